import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { createApi } from '../../api/app';
import { temporalCliPath } from '../../app/temporal-binaries';
import { assignments } from '../../db';
import { createTestDatabase } from '../support/database';
import { createDevServerEnv, type TemporalTestEnv } from '../support/temporal';
import { createTestWorker } from '../support/worker';
import { proceedSignal, smokeStateQuery, smokeWorkflow } from '../support/workflows/smoke';

/*
 * The whole foundation on real parts: the Temporal CLI dev server, a PostgreSQL database, a worker
 * with the real activities, and the Hono API in front.
 */

const token = 'test-token-aanbieder';
const apiKeys = [
  {
    id: 'zorg-bv',
    tokenSha256: createHash('sha256').update(token).digest('hex'),
    aanbieders: ['12345678'],
    gemeenten: [],
  },
];

let env: TemporalTestEnv;
let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
let worker: Worker;
let taskQueue: string;
let workerRun: Promise<void>;

beforeAll(async () => {
  [env, testDb] = await Promise.all([createDevServerEnv(), createTestDatabase()]);
  await testDb.handle.migrate();
  ({ worker, taskQueue } = await createTestWorker(env, createActivities({ db: testDb.handle.db })));
  workerRun = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await workerRun;
  await testDb?.drop();
  await env?.teardown();
});

function api() {
  return createApi({
    temporal: env.client,
    namespace: 'default',
    taskQueue,
    database: testDb.handle,
    apiKeys,
  });
}

/** Asks the real CLI, as an operator would. */
function cliList(query: string): string[] {
  const out = execFileSync(
    temporalCliPath(),
    ['workflow', 'list', '--address', env.address, '--query', query, '--output', 'jsonl'],
    { encoding: 'utf8' },
  );
  return out
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { execution: { workflowId: string } }).execution.workflowId);
}

async function eventually<T>(probe: () => T | Promise<T>, ok: (v: T) => boolean): Promise<T> {
  let last: T = await probe();
  for (let i = 0; i < 50 && !ok(last); i++) {
    await new Promise((r) => setTimeout(r, 200));
    last = await probe();
  }
  return last;
}

describe('dev server round trip', () => {
  it('signals and queries a workflow, and operators find it by WmoOverdue with the CLI', async () => {
    const client = new Client({ connection: env.connection });
    const workflowId = `smoke-${randomUUID()}`;
    // One second of real time stands in for the deadline, so it expires during the test.
    const handle = await client.workflow.start(smokeWorkflow, {
      taskQueue,
      workflowId,
      args: [{ waitDays: 1 / 86_400 }],
    });
    const overdue = await eventually(
      () => handle.query(smokeStateQuery),
      (s) => s.phase === 'overdue',
    );
    expect(overdue.phase).toBe('overdue');

    const listed = await eventually(
      () => cliList(`WmoOverdue = true AND WorkflowId = '${workflowId}'`),
      (ids) => ids.includes(workflowId),
    );
    expect(listed).toEqual([workflowId]);

    await handle.signal(proceedSignal, 'met');
    expect(await handle.result()).toEqual({ phase: 'done', proceededWith: 'met' });
    const afterDone = await eventually(
      () => cliList(`WmoOverdue = true AND WorkflowId = '${workflowId}'`),
      (ids) => ids.length === 0,
    );
    expect(afterDone).toEqual([]);
  });
});

describe('API', () => {
  it('reports Temporal and PostgreSQL healthy', async () => {
    const res = await api().request('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', temporal: 'ok', database: 'ok' });
  });

  it('refuses /v1 without a known bearer token and scopes a known one', async () => {
    expect((await api().request('/v1/whoami')).status).toBe(401);
    const wrong = await api().request('/v1/whoami', { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({
      type: 'about:blank',
      title: 'Unauthorized',
      status: 401,
      detail: 'unknown API key',
    });
    const ok = await api().request('/v1/whoami', { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ id: 'zorg-bv', aanbieders: ['12345678'], gemeenten: [] });
  });

  it('answers unknown routes with a problem+json 404', async () => {
    const res = await api().request('/nope');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'no route GET /nope',
    });
  });
});

describe('projection activity', () => {
  it('upserts one row per workflow id in PostgreSQL', async () => {
    const { recordAssignment } = createActivities({ db: testDb.handle.db });
    const row = {
      workflowId: 'wmo:1916:4711',
      gemeente: '1916',
      toewijzingNummer: 4711,
      aanbieder: '12345678',
      clientRef: 'c-0001',
      ingangsdatum: '2026-01-01',
      profile: 'iwmo-3.2',
      status: 'toegewezen',
      overdue: false,
      revision: 1,
      openDeadlines: [],
    };
    await recordAssignment(row);
    await recordAssignment({ ...row, status: 'gestart', overdue: true, revision: 3 });
    // A late retry of an older revision must not overwrite the newer row.
    await recordAssignment({ ...row, status: 'toegewezen', revision: 2 });
    const rows = await testDb.handle.db
      .select()
      .from(assignments)
      .where(eq(assignments.workflowId, row.workflowId));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'gestart', overdue: true, toewijzingNummer: 4711 });
  });
});
