import type { Client } from '@temporalio/client';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ApiKeyConfig } from '../app/config';
import type { DatabaseHandle } from '../db';
import { type AuthEnv, requireApiKey } from './auth';
import { type CodecEndpointDeps, codecRoutes } from './codec';
import { healthRoutes } from './health';

export interface ApiDeps {
  temporal: Client;
  namespace: string;
  taskQueue: string;
  database: DatabaseHandle;
  apiKeys: ApiKeyConfig[];
  /** Temporal codec-server endpoint (/codec) for operators; unset = /codec answers 404. */
  codec?: CodecEndpointDeps;
}

/** The HTTP API: validates, then talks to Temporal and the database. No lifecycle logic lives here. */
export function createApi(deps: ApiDeps) {
  const v1 = new Hono<AuthEnv>()
    .use(requireApiKey(deps.apiKeys))
    .get('/whoami', (c) => c.json(c.get('principal')));

  const app = new Hono()
    .route('/health', healthRoutes(deps))
    .route('/v1', v1)
    .route('/codec', codecRoutes(deps.apiKeys, deps.codec));

  // Errors in one place: HTTP errors keep their status, anything else is a 500 without internals.
  app.onError((err, c) => {
    if (err instanceof HTTPException) return c.json({ error: err.message }, err.status);
    console.error('[api] unhandled error:', err instanceof Error ? err.name : 'unknown');
    return c.json({ error: 'internal error' }, 500);
  });
  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}` }, 404));
  return app;
}
