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
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }> | string[];
  ports?: string[];
}

const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const { services } = compose;

describe('docker-compose.yml', () => {
  it('has PostgreSQL, Temporal on that PostgreSQL with its one-shot set-up, the UI, and the service', () => {
    expect(Object.keys(services).sort()).toEqual([
      'iwmo-flow',
      'postgresql',
      'temporal',
      'temporal-namespace',
      'temporal-schema',
      'temporal-ui',
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
    expect(services['iwmo-flow']?.depends_on).toMatchObject({
      'temporal-namespace': { condition: 'service_completed_successfully' },
    });
  });

  it("points the UI at the service's codec endpoint, on the port the service publishes", () => {
    const codec = new URL(services['temporal-ui']?.environment?.TEMPORAL_CODEC_ENDPOINT ?? '');
    expect(codec.pathname).toBe('/codec');
    expect(services['iwmo-flow']?.ports).toContain(
      `${codec.port}:${services['iwmo-flow']?.environment?.PORT}`,
    );
    expect(services['iwmo-flow']?.environment?.TEMPORAL_UI_ORIGIN).toBe('http://localhost:8080');
  });

  it('pins every image to a version', () => {
    for (const [name, svc] of Object.entries(services)) {
      if (svc.image) expect(svc.image, name).toMatch(/:[0-9][\w.-]*$/);
    }
  });

  it('points the service at the compose Temporal and database, using the credentials PostgreSQL is given', () => {
    const env = services['iwmo-flow']?.environment ?? {};
    const pg = services.postgresql?.environment ?? {};
    expect(services['iwmo-flow']?.build).toBe('.');
    expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
    const url = new URL(env.DATABASE_URL ?? '');
    expect([url.hostname, url.username, url.password, url.pathname]).toEqual([
      'postgresql',
      pg.POSTGRES_USER,
      pg.POSTGRES_PASSWORD,
      `/${pg.POSTGRES_DB}`,
    ]);
  });

  it('declares every dependency and named volume it uses', () => {
    for (const [name, svc] of Object.entries(services)) {
      const deps = Array.isArray(svc.depends_on) ? svc.depends_on : Object.keys(svc.depends_on ?? {});
      for (const dep of deps) expect(Object.keys(services), `${name} depends on ${dep}`).toContain(dep);
    }
    expect(Object.keys(compose.volumes)).toEqual(['postgres-data']);
  });
});
