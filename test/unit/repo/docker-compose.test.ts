import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../../../app/temporal-binaries';
import { temporalServerVersion } from '../../../scripts/temporal-server';

/* docker-compose.yml cannot run here (no Docker engine); this keeps its syntax and wiring honest. */

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  healthcheck?: { test: string[] };
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }> | string[];
  ports?: string[];
}

// merge: the worker and api share their environment through a YAML merge key, as Compose reads it.
const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const { services } = compose;

describe('docker-compose.yml', () => {
  it('has PostgreSQL, Temporal on that PostgreSQL with its one-shot set-up, the UI, the worker and the API', () => {
    expect(Object.keys(services).sort()).toEqual([
      'api',
      'postgresql',
      'temporal',
      'temporal-namespace',
      'temporal-schema',
      'temporal-ui',
      'worker',
    ]);
    expect(services.temporal?.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
    expect(services['temporal-ui']?.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
  });

  it('runs the server, schema tool and UI the tests run: the versions scripts/tools.sh pins', () => {
    const tools = readFileSync(join(repoRoot, 'scripts', 'tools.sh'), 'utf8');
    const pin = (name: string) => tools.match(new RegExp(`^${name}="([^"]+)"`, 'm'))?.[1];
    const server = pin('TEMPORAL_SERVER_VERSION');
    expect(server).toBe(temporalServerVersion);
    expect(tools).toContain(`(Server ${server}, UI ${pin('TEMPORAL_UI_VERSION')})`);
    expect(services.temporal?.image).toBe(`temporalio/server:${server}`);
    expect(services['temporal-schema']?.image).toBe(`temporalio/admin-tools:${server}`);
    expect(services['temporal-namespace']?.image).toBe(`temporalio/admin-tools:${server}`);
    expect(services['temporal-ui']?.image).toBe(`temporalio/ui:${pin('TEMPORAL_UI_VERSION')}`);
  });

  it('starts the server only on a finished schema, and the service only once the namespace exists', () => {
    expect(services.temporal?.depends_on).toMatchObject({
      'temporal-schema': { condition: 'service_completed_successfully' },
    });
    for (const role of ['worker', 'api'])
      expect(services[role]?.depends_on, role).toMatchObject({
        'temporal-namespace': { condition: 'service_completed_successfully' },
        postgresql: { condition: 'service_healthy' },
      });
  });

  it('runs worker and api as separate roles of one image; only the worker owns the poller', () => {
    const start = ['node', '--import', 'tsx', 'app/start.ts'];
    expect(services.worker?.command).toEqual([...start, 'worker']);
    expect(services.api?.command).toEqual([...start, 'api']);
    expect(services.worker?.environment?.IWMO_ROLE_POLLER).toBe('true');
    expect(services.api?.environment?.IWMO_ROLE_POLLER).toBeUndefined();
    // The roles app/start.ts knows, as package.json names them.
    const scripts = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).scripts;
    expect([scripts.worker, scripts.api]).toEqual([
      'exec node --import tsx app/start.ts worker',
      'exec node --import tsx app/start.ts api',
    ]);
    for (const role of ['worker', 'api']) {
      expect(services[role]?.build, role).toBe('.');
      expect(services[role]?.environment?.LOG_FORMAT, role).toBe('json');
      // Readiness of the role, not mere liveness: the container is healthy once it can do its work.
      expect(services[role]?.healthcheck?.test.join(' '), role).toContain('http://127.0.0.1:3000/ready');
    }
  });

  it("publishes the worker's SDK metrics port", () => {
    const bind = services.worker?.environment?.METRICS_BIND_ADDRESS ?? '';
    const port = bind.split(':')[1];
    expect(services.worker?.ports).toContain(`${port}:${port}`);
  });

  it("points the UI at the api service's codec endpoint, on the port the api publishes", () => {
    const codec = new URL(services['temporal-ui']?.environment?.TEMPORAL_CODEC_ENDPOINT ?? '');
    expect(codec.pathname).toBe('/codec');
    expect(services.api?.ports).toContain(`${codec.port}:${services.api?.environment?.PORT}`);
    expect(services.api?.environment?.TEMPORAL_UI_ORIGIN).toBe('http://localhost:8080');
  });

  it('pins every image to a version', () => {
    for (const [name, svc] of Object.entries(services)) {
      if (svc.image) expect(svc.image, name).toMatch(/:[0-9][\w.-]*$/);
    }
  });

  it('points worker and api at the compose Temporal and database, using the credentials PostgreSQL is given', () => {
    const pg = services.postgresql?.environment ?? {};
    for (const role of ['worker', 'api']) {
      const env = services[role]?.environment ?? {};
      expect(env.TEMPORAL_ADDRESS, role).toBe('temporal:7233');
      expect(env.PAYLOAD_KEY_ID, role).toMatch(/^\$\{PAYLOAD_KEY_ID:\?/);
      const url = new URL(env.DATABASE_URL ?? '');
      expect([url.hostname, url.username, url.password, url.pathname], role).toEqual([
        'postgresql',
        pg.POSTGRES_USER,
        pg.POSTGRES_PASSWORD,
        `/${pg.POSTGRES_DB}`,
      ]);
    }
  });

  it('declares every dependency and named volume it uses', () => {
    for (const [name, svc] of Object.entries(services)) {
      const deps = Array.isArray(svc.depends_on) ? svc.depends_on : Object.keys(svc.depends_on ?? {});
      for (const dep of deps) expect(Object.keys(services), `${name} depends on ${dep}`).toContain(dep);
    }
    expect(Object.keys(compose.volumes)).toEqual(['postgres-data']);
  });
});
