import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config';
import { repoRoot } from '../../app/temporal-binaries';
import { apiPlatform, utrecht } from '../support/api-platform';

/*
 * The API platform on real parts: the OpenAPI document, the Swagger UI under /docs, and keys made by
 * the keys CLI.
 */

const { api } = apiPlatform();

describe('OpenAPI', () => {
  it('serves an OpenAPI 3.1 document and a docs page, both without a key', async () => {
    const { app } = api();
    const res = await app.request('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { security?: unknown; responses: Record<string, unknown> }>>;
      components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
      webhooks: Record<string, unknown>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/v1/assignments',
      '/v1/assignments/{gemeente}/{nummer}',
      '/v1/assignments/{gemeente}/{nummer}/claims',
      '/v1/assignments/{gemeente}/{nummer}/claims/corrections/{correctionId}',
      '/v1/assignments/{gemeente}/{nummer}/claims/lines/{referentieNummer}/revise',
      '/v1/assignments/{gemeente}/{nummer}/claims/payments',
      '/v1/assignments/{gemeente}/{nummer}/corrections',
      '/v1/assignments/{gemeente}/{nummer}/start',
      '/v1/assignments/{gemeente}/{nummer}/stop',
      '/v1/claims/batches',
      '/v1/claims/batches/{workflowId}',
      '/v1/claims/payments',
      '/v1/deadlines',
      '/v1/escalations',
      '/v1/escalations/{id}',
      '/v1/whoami',
    ]);
    expect(doc.components.securitySchemes).toEqual({
      bearer: { type: 'http', scheme: 'bearer', description: expect.any(String) },
    });
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const op of Object.values(ops)) {
        expect(op.security, path).toEqual([{ bearer: [] }]);
        expect(Object.keys(op.responses), path).toContain('401');
      }
    }
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        'Problem',
        'Finding',
        'Escalation',
        'EscalationPage',
        'Principal',
        'AssignmentState',
      ]),
    );
    expect(Object.keys(doc.webhooks)).toEqual(['escalation']);

    const docs = await app.request('/docs');
    expect(docs.status).toBe(200);
  });

  // What `npx @redocly/cli lint --extends recommended` checks of our document, checked by structure
  // (the CLI is not a dependency): run on the file scripts/openapi.ts writes for CI.
  it('scripts/openapi.ts writes the whole document, and it keeps the recommended rules', () => {
    const run = spawnSync('npx', ['tsx', 'scripts/openapi.ts', '-'], { cwd: repoRoot, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    type Op = {
      operationId?: string;
      security?: Record<string, string[]>[];
      parameters?: { name: string; in: string; required?: boolean }[];
      responses: Record<string, unknown>;
    };
    const doc = JSON.parse(run.stdout) as {
      info: { license?: unknown };
      servers?: { url: string }[];
      paths: Record<string, Record<string, Op>>;
      webhooks: Record<string, Record<string, Op>>;
    };
    expect(doc.servers?.length).toBeGreaterThan(0);
    for (const server of doc.servers ?? [])
      expect(server.url === '/' || !server.url.endsWith('/')).toBe(true);
    expect(doc.info.license).toBeDefined();
    const ops = (from: Record<string, Record<string, Op>>) =>
      Object.entries(from).flatMap(([path, byMethod]) =>
        Object.entries(byMethod).map(([method, op]) => ({ name: `${method} ${path}`, path, op })),
      );
    const paths = ops(doc.paths);
    expect(paths).toHaveLength(26);
    const all = [...paths, ...ops(doc.webhooks)];
    const operationIds = all.map((o) => o.op.operationId);
    for (const { name, op } of all) expect(op.operationId, name).toMatch(/^[a-z][A-Za-z]+$/);
    expect(new Set(operationIds).size).toBe(all.length);
    expect(operationIds).toEqual(
      expect.arrayContaining(['listMessages', 'startAssignmentCare', 'receiveMessage']),
    );
    for (const { name, path, op } of all) {
      if (path.startsWith('/v1/')) expect(op.security, name).toEqual([{ bearer: [] }]);
      else expect(op.security, name).toBeDefined();
      expect(
        Object.keys(op.responses).some((s) => /^4[0-9]{2}$/.test(s)),
        `${name}: a 4xx`,
      ).toBe(true);
      for (const [, param] of path.matchAll(/\{([^}]+)\}/g)) {
        const declared = op.parameters?.find((p) => p.in === 'path' && p.name === param);
        expect(declared?.required, `${name}: path parameter ${param}`).toBe(true);
      }
    }
  });
});

// Needs swagger-ui-dist (5.x) as a dependency: api/docs.ts serves Swagger UI from node_modules.
describe('GET /docs: Swagger UI from the installed swagger-ui-dist, no CDN [needs dependency swagger-ui-dist]', () => {
  it('references only same-origin assets, and each answers 200 with its type', async () => {
    const { app } = api();
    const page = await app.request('/docs');
    expect(page.status).toBe(200);
    const html = await page.text();
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    expect(refs.length).toBeGreaterThanOrEqual(3);
    expect(html).not.toMatch(/https?:|\/\/[a-z]/i);
    for (const ref of refs) {
      expect(ref, ref).toMatch(/^\/[^/]/);
      const asset = await app.request(ref);
      expect(asset.status, ref).toBe(200);
      expect(asset.headers.get('content-type'), ref).toMatch(/^(text\/css|text\/javascript|image\/png)/);
      expect((await asset.arrayBuffer()).byteLength, ref).toBeGreaterThan(0);
    }
    const init = await (await app.request('/docs/assets/init.js')).text();
    expect(init).toContain("url: '/openapi.json'");
    expect((await app.request('/docs/assets/package.json')).status).toBe(404);
    expect((await app.request('/docs/assets/..%2F..%2Fpackage.json')).status).toBe(404);
  });
});

describe('keys CLI', () => {
  function keys(args: string[], env: Record<string, string> = {}) {
    const { API_KEYS: _drop, ...rest } = process.env;
    return spawnSync('npm', ['run', '--silent', 'keys', '--', ...args], {
      cwd: repoRoot,
      env: { ...rest, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
  }

  it('creates a key whose printed token the API accepts, scoped as asked', async () => {
    const existing = JSON.stringify([utrecht.config]);
    const run = keys(['create', '--id', 'cli-key', '--aanbieder', '12345678', '--gemeente', '1916'], {
      API_KEYS: existing,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const token = /token \(shown once[^\n]*\n(\S+)\n/.exec(run.stdout)?.[1];
    const apiKeysLine = /^API_KEYS='(.+)'$/m.exec(run.stdout)?.[1];
    expect(token).toMatch(/^iwmo_[A-Za-z0-9_-]{43}$/);
    if (!token || !apiKeysLine) throw new Error(`unexpected output:\n${run.stdout}`);
    expect(apiKeysLine).not.toContain(token);

    const config = loadConfig({ API_KEYS: apiKeysLine });
    expect(config.API_KEYS.map((k) => k.id)).toEqual(['gemeente-1916', 'cli-key']);
    const { app } = api(config.API_KEYS);
    const res = await app.request('/v1/whoami', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: 'cli-key', aanbieders: ['12345678'], gemeenten: ['1916'] });
  });

  it('refuses a key without scope and an id already in API_KEYS, naming the flag', () => {
    const bare = keys(['create', '--id', 'nobody']);
    expect(bare.status).toBe(2);
    expect(bare.stderr).toMatch(/^keys: a key needs a scope: give at least one --aanbieder or --gemeente$/m);
    expect(bare.stdout).toBe('');
    const dup = keys(['create', '--id', 'gemeente-1916', '--gemeente', '0363'], {
      API_KEYS: JSON.stringify([utrecht.config]),
    });
    expect(dup.status).toBe(2);
    expect(dup.stderr).toMatch(/--id: API_KEYS already has a key 'gemeente-1916'/);
  });
});
