import { createHash } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { afterAll, beforeAll, expect } from 'vitest';
import { createApi } from '../../api/app';
import { jsonBody, xmlBody } from '../../api/hygiene';
import { problem } from '../../api/problem';
import { errorResponses, jsonContent } from '../../api/router';
import type { ApiKeyConfig } from '../../app/config';
import { createTestDatabase } from './database';
import { createDevServerEnv, type TemporalTestEnv } from './temporal';

/*
 * The API platform's tests (test/integration/api-*.test.ts) on real parts: a Temporal dev server and a
 * PostgreSQL database per file, three keys, a fresh app per test, and the helpers that read its answers.
 */

export function key(id: string, scope: { aanbieders?: string[]; gemeenten?: string[] }) {
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
export const utrecht = key('gemeente-1916', { gemeenten: ['1916'] });
export const zorg = key('zorg-bv', { aanbieders: ['87654321'] });
export const idle = key('idle-bv', { aanbieders: ['11111111'] });

/** The connection's peer as @hono/node-server hands it to the app. */
export const from = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } });

export async function problemOf(res: Response) {
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  return (await res.json()) as {
    type: string;
    title: string;
    status: number;
    detail: string;
    findings?: unknown[];
  };
}

export const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...utrecht.auth, ...headers },
  body: JSON.stringify(body),
});

/** Starts the dev server and a migrated database for the calling test file (its beforeAll/afterAll). */
export function apiPlatform() {
  let env: TemporalTestEnv | undefined;
  let testDb: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  beforeAll(async () => {
    [env, testDb] = await Promise.all([createDevServerEnv(), createTestDatabase()]);
    await testDb.handle.migrate();
  });
  afterAll(async () => {
    await testDb?.drop();
    await env?.teardown();
  });
  const started = () => {
    if (!env || !testDb) throw new Error('apiPlatform: used before its beforeAll ran');
    return { env, testDb };
  };

  /** A fresh app (fresh rate limiter) whose log lines the test can read. */
  function api(apiKeys = [utrecht.config, zorg.config, idle.config]) {
    const { env, testDb } = started();
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

  return {
    api,
    withBodyRoutes,
    get testDb() {
      return started().testDb;
    },
  };
}
