import type { Client } from '@temporalio/client';
import { Hono } from 'hono';
import type { DatabaseHandle } from '../db';

export interface HealthDeps {
  temporal: Client;
  namespace: string;
  database: DatabaseHandle;
}

type Check = { ok: true; detail: string } | { ok: false; error: string };

async function check(probe: () => Promise<string>): Promise<Check> {
  try {
    return { ok: true, detail: await probe() };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** Liveness of the two things the service cannot work without. Public: it carries no client data. */
export function healthRoutes({ temporal, namespace, database }: HealthDeps) {
  return new Hono().get('/', async (c) => {
    const [temporalCheck, dbCheck] = await Promise.all([
      check(async () => {
        await temporal.workflowService.describeNamespace({ namespace });
        return `namespace ${namespace}`;
      }),
      check(async () => {
        await database.ping();
        return database.kind;
      }),
    ]);
    const ok = temporalCheck.ok && dbCheck.ok;
    return c.json(
      { status: ok ? 'ok' : 'degraded', temporal: temporalCheck, database: dbCheck },
      ok ? 200 : 503,
    );
  });
}
