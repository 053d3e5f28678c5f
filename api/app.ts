import type { Client } from '@temporalio/client';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ApiKeyConfig } from '../app/config';
import type { DatabaseHandle } from '../db';
import { type AuthEnv, requireApiKey } from './auth';
import { healthRoutes } from './health';
import { type MessageRouteDeps, messageRoutes } from './messages';

export interface ApiDeps {
  temporal: Client;
  namespace: string;
  taskQueue: string;
  database: DatabaseHandle;
  apiKeys: ApiKeyConfig[];
  /** POST/GET /v1/messages (api/messages.ts); absent = not mounted. */
  messages?: MessageRouteDeps;
}

/** The HTTP API: validates, then talks to Temporal and the database. No lifecycle logic lives here. */
export function createApi(deps: ApiDeps) {
  const v1 = new Hono<AuthEnv>()
    .use(requireApiKey(deps.apiKeys))
    .get('/whoami', (c) => c.json(c.get('principal')));
  if (deps.messages) v1.route('/', messageRoutes(deps.messages));

  const app = new Hono().route('/health', healthRoutes(deps)).route('/v1', v1);

  // Errors in one place: HTTP errors keep their status, anything else is a 500 without internals.
  app.onError((err, c) => {
    if (err instanceof HTTPException) return c.json({ error: err.message }, err.status);
    console.error('[api] unhandled error:', err instanceof Error ? err.name : 'unknown');
    return c.json({ error: 'internal error' }, 500);
  });
  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}` }, 404));
  return app;
}
