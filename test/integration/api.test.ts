import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRoute, z } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEscalationActivities } from '../../activities/escalation';
import { createApi } from '../../api/app';
import { deadlineRoutes } from '../../api/deadlines';
import { jsonBody, xmlBody } from '../../api/hygiene';
import { problem } from '../../api/problem';
import { createRouter, errorResponses, jsonContent } from '../../api/router';
import { type ApiKeyConfig, loadConfig } from '../../app/config';
import { repoRoot } from '../../app/temporal-binaries';
import { loadProfiles } from '../../config/profiles';
import type { EscalationInput } from '../../contract/assignment';
import { assignments } from '../../db';
import { createTestDatabase } from '../support/database';
import { createDevServerEnv, type TemporalTestEnv } from '../support/temporal';

/*
 * The API platform on real parts (Temporal dev server, PostgreSQL): problem+json errors, HTTP hygiene,
 * the OpenAPI document, tenant scoping of /v1/escalations, and keys made by the keys CLI.
 */

function key(id: string, scope: { aanbieders?: string[]; gemeenten?: string[] }) {
  const token = `test-token-${id}`;
  const config: ApiKeyConfig = {
    id,
    tokenSha256: createHash('sha256').update(token).digest('hex'),
    aanbieders: scope.aanbieders ?? [],
    gemeenten: scope.gemeenten ?? [],
  };
  return { token, config, auth: { authorization: `Bearer ${token}` } };
}

/** Gemeente 1916 and a provider working for gemeente 0363; a third key has no escalations at all. */
const utrecht = key('gemeente-1916', { gemeenten: ['1916'] });
const zorg = key('zorg-bv', { aanbieders: ['87654321'] });
const idle = key('idle-bv', { aanbieders: ['11111111'] });

let env: TemporalTestEnv;
let testDb: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  [env, testDb] = await Promise.all([createDevServerEnv(), createTestDatabase()]);
  await testDb.handle.migrate();
});

afterAll(async () => {
  await testDb?.drop();
  await env?.teardown();
});

/** A fresh app (fresh rate limiter) whose log lines the test can read. */
function api(apiKeys = [utrecht.config, zorg.config, idle.config]) {
  const lines: string[] = [];
  const app = createApi({
    temporal: env.client,
    namespace: 'default',
    taskQueue: 'unused',
    database: testDb.handle,
    apiKeys,
    log: (line) => lines.push(line),
  });
  return { app, lines };
}

/** The connection's peer as @hono/node-server hands it to the app. */
const from = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } });

async function problemOf(res: Response) {
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  return (await res.json()) as {
    type: string;
    title: string;
    status: number;
    detail: string;
    findings?: unknown[];
  };
}

/** Routes with bodies, built the way later resource routers are, to exercise the shared middleware. */
function withBodyRoutes() {
  const built = api();
  const events = createRoute({
    method: 'post',
    path: '/v1/test/events',
    middleware: [jsonBody()],
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.object({ eventId: z.string().min(1), begindatum: z.iso.date() }),
          },
        },
      },
    },
    responses: {
      202: jsonContent(z.object({ accepted: z.boolean() }), 'accepted'),
      ...errorResponses(413, 415, 422),
    },
  });
  built.app.openapi(events, (c) => c.json({ accepted: true }, 202));
  built.app.post('/v1/test/messages', xmlBody(), async (c) =>
    c.json({ bytes: (await c.req.text()).length }, 202),
  );
  built.app.get('/v1/test/boom', () => {
    throw new Error('BSN 999999990 of Jansen in an internal error');
  });
  built.app.get('/v1/test/conflict', () => {
    throw problem(409, 'start before the toewijzing', { rule: 'TR326' });
  });
  return built;
}

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...utrecht.auth, ...headers },
  body: JSON.stringify(body),
});

describe('authentication', () => {
  it('answers 401 with a Bearer challenge, telling a missing key from an unknown one', async () => {
    const { app } = api();
    const none = await app.request('/v1/whoami');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="iwmo-flow"');
    expect(await problemOf(none)).toMatchObject({ status: 401, title: 'Unauthorized' });
    const wrong = await app.request('/v1/whoami', { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="iwmo-flow", error="invalid_token"');
    expect(await problemOf(wrong)).toMatchObject({ detail: 'unknown API key' });
    const ok = await app.request('/v1/whoami', { headers: utrecht.auth });
    expect(await ok.json()).toEqual({ id: 'gemeente-1916', aanbieders: [], gemeenten: ['1916'] });
  });

  it('reads the scheme case-insensitively (RFC 9110): bearer and BEARER are Bearer', async () => {
    const { app } = api();
    for (const scheme of ['bearer', 'BEARER', 'bEaReR']) {
      const res = await app.request('/v1/whoami', {
        headers: { authorization: `${scheme} ${utrecht.token}` },
      });
      expect(res.status, scheme).toBe(200);
    }
    const basic = await app.request('/v1/whoami', { headers: { authorization: `Basic ${utrecht.token}` } });
    expect(basic.status).toBe(401);
  });

  it('refuses a client with 429 + Retry-After after 10 unknown keys in a minute, valid key or not', async () => {
    const { app } = api();
    const guess = (ip: string) =>
      app.request('/v1/whoami', { headers: { authorization: `Bearer guess-${randomUUID()}` } }, from(ip));
    for (let i = 0; i < 10; i++) expect((await guess('203.0.113.7')).status).toBe(401);
    const blocked = await guess('203.0.113.7');
    expect(blocked.status).toBe(429);
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(6); // one attempt back every 6 s (10 per minute)
    expect(await problemOf(blocked)).toMatchObject({ type: 'urn:iwmo-flow:problem:rate-limited' });
    // Blocked before the key is looked at: the right key from that address waits too.
    expect((await app.request('/v1/whoami', { headers: utrecht.auth }, from('203.0.113.7'))).status).toBe(
      429,
    );
    // Another client is not affected; a missing key is not counted as a guess.
    expect((await app.request('/v1/whoami', { headers: utrecht.auth }, from('198.51.100.2'))).status).toBe(
      200,
    );
    for (let i = 0; i < 12; i++)
      expect((await app.request('/v1/whoami', {}, from('198.51.100.3'))).status).toBe(401);
  });
});

describe('HTTP hygiene', () => {
  it('answers 405 with Allow for a known path and the wrong method', async () => {
    const { app } = api();
    const post = await app.request('/v1/whoami', { method: 'POST', headers: utrecht.auth });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(await problemOf(post)).toMatchObject({ status: 405 });
    const health = await app.request('/health', { method: 'DELETE' });
    expect(health.status).toBe(405);
    expect((await app.request('/nope', { method: 'DELETE' })).status).toBe(404);
  });

  it('checks the content type (415) before the body, and validates it (422) naming field and rule', async () => {
    const { app } = withBodyRoutes();
    const good = { eventId: 'e-1', begindatum: '2026-02-01' };
    expect((await app.request('/v1/test/events', json(good))).status).toBe(202);
    const text = await app.request('/v1/test/events', json(good, { 'content-type': 'text/plain' }));
    expect(text.status).toBe(415);
    expect((await problemOf(text)).detail).toBe('Content-Type must be application/json, got text/plain');
    const untyped = await app.request('/v1/test/events', {
      method: 'POST',
      headers: utrecht.auth,
      body: JSON.stringify(good),
    });
    expect(untyped.status).toBe(415);
    const xmlAsJson = await app.request('/v1/test/messages', json(good));
    expect(xmlAsJson.status).toBe(415);

    const bad = await app.request('/v1/test/events', json({ eventId: '', begindatum: '1 februari' }));
    expect(bad.status).toBe(422);
    const body = await problemOf(bad);
    expect(body).toMatchObject({ type: 'urn:iwmo-flow:problem:validation', status: 422 });
    expect(body.findings).toEqual([
      { rule: 'too_small', path: 'body.eventId', message: expect.any(String) },
      { rule: 'invalid_format', path: 'body.begindatum', message: expect.any(String) },
    ]);
    expect(body.detail).toMatch(/^body\.eventId: /);
    const malformed = await app.request('/v1/test/events', { ...json(good), body: '{"eventId":' });
    expect(malformed.status).toBe(400);
    expect(await problemOf(malformed)).toMatchObject({ status: 400 });
  });

  it('cuts a body off at the route limit (413): by Content-Length up front, or counted while streaming', async () => {
    const { app } = withBodyRoutes();
    // 70 KB of JSON, streamed without a Content-Length: the 64 KB limit stops it mid-stream.
    const big = JSON.stringify({ eventId: 'x'.repeat(70 * 1024), begindatum: '2026-02-01' });
    const chunks = [big.slice(0, 40_000), big.slice(40_000)];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(next));
      },
    });
    const streamed = await app.request('/v1/test/events', {
      ...json(null),
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect((await problemOf(streamed)).detail).toBe(
      "request body is larger than this route's limit of 64 KB",
    );
    expect(chunks.length).toBe(0);

    // A message route allows 25 MB: a declared 26 MB is refused before a byte is read.
    const declared = await app.request('/v1/test/messages', {
      method: 'POST',
      headers: {
        ...utrecht.auth,
        'content-type': 'application/xml',
        'content-length': String(26 * 1024 * 1024),
      },
      body: '<x/>',
    });
    expect(declared.status).toBe(413);
    const small = await app.request('/v1/test/messages', {
      method: 'POST',
      headers: { ...utrecht.auth, 'content-type': 'text/xml; charset=utf-8' },
      body: `<x>${'a'.repeat(100 * 1024)}</x>`,
    });
    expect(small.status).toBe(202); // 100 KB: too much for JSON routes, fine for messages
  });

  it('gives every response a request id and logs one line per request without body, query values or errors', async () => {
    const { app, lines } = withBodyRoutes();
    const secretish = { eventId: 'e-2', begindatum: '2026-02-01', bsn: '999999990', naam: 'Jansen' };
    const res = await app.request('/v1/test/events?gemeente=1916&note=Jansen', json(secretish));
    expect(res.status).toBe(202);
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await app.request('/health', { headers: { 'x-request-id': 'trace-abc-123' } });
    expect(echoed.headers.get('x-request-id')).toBe('trace-abc-123');
    const boom = await app.request('/v1/test/boom', { headers: utrecht.auth });
    expect(boom.status).toBe(500);
    const boomBody = await problemOf(boom);
    expect(boomBody.detail).toBe(
      `internal error; quote request id ${boom.headers.get('x-request-id')} when reporting it`,
    );
    await app.request('/v1/0123456789/whatever', { headers: utrecht.auth });

    const access = lines.filter((l) => / \d+ms req=/.test(l));
    expect(access).toHaveLength(4);
    expect(access[0]).toBe(
      `[api] POST /v1/test/events?gemeente=&note= 202 ${access[0]?.match(/ (\d+)ms/)?.[1]}ms req=${id} key=gemeente-1916`,
    );
    expect(access[1]).toMatch(/^\[api\] GET \/health 200 \d+ms req=trace-abc-123 key=-$/);
    expect(access[2]).toMatch(/^\[api\] GET \/v1\/test\/boom 500 \d+ms req=\S+ key=gemeente-1916$/);
    expect(access[3]).toMatch(/^\[api\] GET \(no route\) 404 \d+ms req=\S+ key=gemeente-1916$/);
    const all = lines.join('\n');
    for (const leak of ['999999990', 'Jansen', '0123456789', '2026-02-01']) expect(all).not.toContain(leak);
    expect(lines).toContain(`[api] unhandled Error req=${boom.headers.get('x-request-id')}`);
  });

  it('renders a thrown problem with its rule', async () => {
    const { app } = withBodyRoutes();
    const res = await app.request('/v1/test/conflict', { headers: utrecht.auth });
    expect(res.status).toBe(409);
    expect(await problemOf(res)).toEqual({
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      detail: 'start before the toewijzing',
      rule: 'TR326',
    });
  });
});

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

describe('GET /v1/escalations', () => {
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    const { escalate } = createEscalationActivities({
      db: testDb.handle.db,
      webhooks: [],
      links: { apiUrl: 'http://api', temporalUiUrl: 'http://ui', namespace: 'default' },
    });
    const base: Omit<EscalationInput, 'idempotencyKey' | 'workflowId' | 'toewijzingNummer'> = {
      gemeente: '1916',
      aanbieder: '12345678',
      action: 'verstuur-305',
      rule: 'OP271',
      owner: 'aanbieder',
      dueDate: '2026-03-06',
      lateWorkingDays: 1,
      recipients: ['gemeente', 'aanbieder'],
    };
    for (const nummer of [1, 2, 3]) {
      const r = await escalate({
        ...base,
        idempotencyKey: `u${nummer}`,
        workflowId: `wmo:1916:${nummer}`,
        toewijzingNummer: nummer,
      });
      ids[`utrecht${nummer}`] = r.escalationId;
    }
    const other = await escalate({
      ...base,
      idempotencyKey: 'z1',
      workflowId: 'wmo:0363:9',
      gemeente: '0363',
      aanbieder: '87654321',
      toewijzingNummer: 9,
    });
    ids.zorg = other.escalationId;
  });

  async function list(auth: Record<string, string>, query = '') {
    const { app } = api();
    const res = await app.request(`/v1/escalations${query}`, { headers: auth });
    return {
      res,
      body: (await res.json()) as { items: { id: string; gemeente: string }[]; nextCursor: string | null },
    };
  }

  it("lists only the caller's escalations; a key with none gets an empty list", async () => {
    const mine = await list(utrecht.auth);
    expect(mine.res.status).toBe(200);
    expect(mine.body.items.map((i) => i.id)).toEqual([ids.utrecht3, ids.utrecht2, ids.utrecht1]);
    expect(mine.body.nextCursor).toBeNull();
    const theirs = await list(zorg.auth);
    expect(theirs.body.items.map((i) => i.id)).toEqual([ids.zorg]);
    expect((await list(idle.auth)).body).toEqual({ items: [], nextCursor: null });
    // Filtering for another tenant's gemeente yields nothing — not a 403 that would confirm it exists.
    const peek = await list(utrecht.auth, '?gemeente=0363');
    expect(peek.res.status).toBe(200);
    expect(peek.body.items).toEqual([]);
  });

  it('shows one escalation with its deliveries to its tenant, and 404 to any other', async () => {
    const { app } = api();
    const own = await app.request(`/v1/escalations/${ids.zorg}`, { headers: zorg.auth });
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({
      id: ids.zorg,
      workflowId: 'wmo:0363:9',
      status: 'no-endpoint',
      lateWorkingDays: 1,
      deliveries: [
        { party: 'aanbieder', code: '87654321', status: 'no-endpoint', attempts: 0 },
        { party: 'gemeente', code: '0363', status: 'no-endpoint', attempts: 0 },
      ],
    });
    const foreign = await app.request(`/v1/escalations/${ids.zorg}`, { headers: utrecht.auth });
    expect(foreign.status).toBe(404);
    const missing = await app.request(`/v1/escalations/${randomUUID()}`, { headers: utrecht.auth });
    expect(missing.status).toBe(404);
    // The other tenant's 404 is the same answer as for an id that does not exist.
    expect(await foreign.json()).toEqual(await missing.json());
  });

  it('pages with a cursor, filters by status, and names the rule a bad query breaks', async () => {
    const first = await list(utrecht.auth, '?limit=2');
    expect(first.body.items.map((i) => i.id)).toEqual([ids.utrecht3, ids.utrecht2]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await list(utrecht.auth, `?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toMatchObject({ items: [{ id: ids.utrecht1 }], nextCursor: null });
    expect((await list(utrecht.auth, '?status=delivered')).body.items).toEqual([]);
    expect((await list(utrecht.auth, '?status=no-endpoint')).body.items).toHaveLength(3);

    const { app } = api();
    const tooMany = await app.request('/v1/escalations?limit=1000', { headers: utrecht.auth });
    expect(tooMany.status).toBe(422);
    expect((await problemOf(tooMany)).findings).toEqual([
      { rule: 'too_big', path: 'query.limit', message: expect.any(String) },
    ]);
    const badCursor = await app.request('/v1/escalations?cursor=bm9wZQ', { headers: utrecht.auth });
    expect((await problemOf(badCursor)).findings).toEqual([
      { rule: 'custom', path: 'query.cursor', message: 'must be a nextCursor from an earlier page' },
    ]);
    const badId = await app.request('/v1/escalations/not-a-uuid', { headers: utrecht.auth });
    expect(badId.status).toBe(422);
    expect((await problemOf(badId)).detail).toMatch(/^path\.id: /);
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

describe('event bodies: text PostgreSQL and XML can carry, strict all the way down (issue 13)', () => {
  // No workflow wmo:1916:1 exists: a body that passed validation would be answered 404, not 422.
  const post = (segment: string, body: unknown) =>
    api().app.request(`/v1/assignments/1916/1/${segment}`, json(body));

  async function refused(segment: string, body: unknown, field: string) {
    const res = await post(segment, body);
    expect(res.status, `${segment} ${field}`).toBe(422);
    const problem = (await problemOf(res)) as { findings: { path: string; message: string }[] };
    expect(problem.findings.map((f) => f.path)).toContain(field);
    expect(JSON.stringify(problem)).not.toContain('\\u0000');
  }

  it('refuses NUL, other C0 controls, lone surrogates and overlong text in every string field', async () => {
    for (const bad of ['x\u0000y', 'x\u0007y', 'x\uD800y', 'x\uDC00', 'x'.repeat(101)]) {
      await refused('start', { eventId: bad, begindatum: '2026-11-02' }, 'body.eventId');
      await refused(
        'stop',
        { eventId: bad, einddatum: '2026-11-20', redenBeeindiging: '19' },
        'body.eventId',
      );
      await refused(
        'corrections',
        { eventId: bad, target: 'start', statusAanlevering: '3', begindatum: '2026-11-02' },
        'body.eventId',
      );
    }
    const correction = { eventId: 'c-1', target: 'stop', statusAanlevering: '3', begindatum: '2026-11-02' };
    await refused(
      'corrections',
      { ...correction, replacement: { redenBeeindiging: '1\u00009' } },
      'body.replacement.redenBeeindiging',
    );
    // Tab, LF, CR and a surrogate pair are text: the request passes validation (404: no such workflow).
    expect((await post('start', { eventId: 'a\tb\n\r😀', begindatum: '2026-11-02' })).status).toBe(404);
  });

  it('refuses unknown fields in nested objects like outer ones', async () => {
    await refused(
      'corrections',
      {
        eventId: 'c-2',
        target: 'start',
        statusAanlevering: '3',
        begindatum: '2026-11-02',
        replacement: { begindatum: '2026-11-03', begindatumm: '2026-11-04' },
      },
      'body.replacement',
    );
    await refused('start', { eventId: 's-1', begindatum: '2026-11-02', extra: 1 }, 'body');
  });
});

describe('GET /v1/deadlines: lateness in working days of the assignment’s profile (issue 13)', () => {
  it('counts late and left in working days, with the profile’s own closing days', async () => {
    // A copy of config/ in which gemeente 1916's profile closes on Tuesday 2026-12-01.
    const dir = mkdtempSync(join(tmpdir(), 'iwmo-profiles-'));
    try {
      cpSync(join(repoRoot, 'config'), dir, { recursive: true });
      const file = join(dir, 'profiles', 'leidschendam-voorburg-2019.json');
      const profile = JSON.parse(readFileSync(file, 'utf8'));
      profile.workingDays.extraClosingDays = ['2026-12-01'];
      writeFileSync(file, JSON.stringify(profile));
      const deadlines = [
        {
          id: 'verstuur-305#1',
          action: 'verstuur-305',
          owner: 'aanbieder',
          rule: 'OP271',
          due: '2026-11-27',
          escalated: true,
        },
        {
          id: 'verstuur-307#1',
          action: 'verstuur-307',
          owner: 'aanbieder',
          rule: 'OP272',
          due: '2026-12-08',
          escalated: false,
        },
        {
          id: 'verstuur-306#1',
          action: 'verstuur-306',
          owner: 'gemeente',
          rule: 'OP273',
          due: '2026-12-03',
          escalated: false,
        },
      ];
      const row = (gemeente: string, nummer: number, profileId: string) => ({
        workflowId: `wmo:${gemeente}:${nummer}`,
        gemeente,
        toewijzingNummer: nummer,
        aanbieder: '55550001',
        clientRef: 'c-test',
        ingangsdatum: '2026-11-01',
        profile: profileId,
        status: 'toegewezen',
        openDeadlines: deadlines,
      });
      await testDb.handle.db
        .insert(assignments)
        .values([row('0384', 7001, 'iwmo-3.2'), row('1916', 7002, 'leidschendam-voorburg-2019')]);
      const app = createRouter();
      app.use(async (c, next) => {
        c.set('principal', { id: 'deadline-test', aanbieders: ['55550001'], gemeenten: [] });
        await next();
      });
      // Thursday 2026-12-03: 11-27 was a Friday, 12-08 is a Tuesday.
      app.route(
        '/v1/deadlines',
        deadlineRoutes({ database: testDb.handle, profiles: loadProfiles(dir), today: () => '2026-12-03' }),
      );
      const res = await app.request('/v1/deadlines');
      expect(res.status).toBe(200);
      const { items } = (await res.json()) as { items: Record<string, unknown>[] };
      const pick = (i: Record<string, unknown>) => [
        i.gemeente,
        i.due,
        i.overdue,
        i.lateWorkingDays,
        i.workingDaysLeft,
      ];
      expect(items.map(pick).sort()).toEqual(
        [
          // iwmo-3.2: Mon 30, Tue 1, Wed 2, Thu 3 late; Fri 4, Mon 7, Tue 8 left; the last day itself is on time.
          ['0384', '2026-11-27', true, 4, 0],
          ['0384', '2026-12-03', false, 0, 0],
          ['0384', '2026-12-08', false, 0, 3],
          // Its own profile: Tuesday 12-01 is closed, so one working day less late.
          ['1916', '2026-11-27', true, 3, 0],
          ['1916', '2026-12-03', false, 0, 0],
          ['1916', '2026-12-08', false, 0, 3],
        ].sort(),
      );
      expect(items.find((i) => i.gemeente === '1916')?.profile).toBe('leidschendam-voorburg-2019');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
