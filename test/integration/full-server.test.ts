import type { Worker } from '@temporalio/worker';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { customSearchAttributes } from '../../workflows/search-attributes';
import { eventually } from '../support/assignment';
import { createFullServerEnv, type FullServerEnv } from '../support/temporal';
import { createTestWorker } from '../support/worker';
import { proceedSignal, smokeStateQuery, smokeWorkflow } from '../support/workflows/smoke';

/*
 * The full Temporal server (frontend, history, matching, worker as four processes) on the run's
 * PostgreSQL, with the real workflow bundle: the foundation the production-topology suites build on.
 */

const dayMs = 24 * 60 * 60 * 1000;
let env: FullServerEnv;
let worker: Worker;
let taskQueue: string;
let running: Promise<void>;

beforeAll(async () => {
  env = await createFullServerEnv({ postgresUrl: inject('postgresAdminUrl') });
  ({ worker, taskQueue } = await createTestWorker(env));
  running = worker.run();
});

afterAll(async () => {
  // Services are stopped even when a test failed or the worker never started.
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running?.catch(() => undefined);
  await env?.teardown();
});

function startSmoke(id: string, waitMs: number) {
  return env.client.workflow.start(smokeWorkflow, {
    taskQueue,
    workflowId: `full-server-${id}-${Date.now()}`,
    args: [{ waitDays: waitMs / dayMs }],
  });
}

const visibleCount = async (query: string) => (await env.client.workflow.count(query)).count;

describe('the full Temporal server on PostgreSQL', () => {
  it('runs each service as a process of its own', () => {
    const pids = Object.values(env.fullServer.services).map((s) => s.pid);
    expect(new Set(pids).size).toBe(4);
    expect(pids).not.toContain(0);
  });

  it('completes a workflow', async () => {
    const handle = await startSmoke('trivial', dayMs);
    await handle.signal(proceedSignal, 'ok');
    expect(await handle.result()).toEqual({ phase: 'done', proceededWith: 'ok' });
  });

  it('has our search attributes and answers visibility queries on upserts from SQL visibility', async () => {
    const listed = await env.connection.operatorService.listSearchAttributes({
      namespace: env.fullServer.namespace,
    });
    expect(Object.keys(listed.customAttributes ?? {}).sort()).toEqual(
      customSearchAttributes.map((k) => k.name).sort(),
    );

    const handle = await startSmoke('visibility', dayMs);
    const id = handle.workflowId;
    await eventually(
      async () =>
        (await visibleCount(`WorkflowId = "${id}" AND WmoStatus = "waiting" AND WmoOverdue = false`)) === 1,
      'the upserted WmoStatus in visibility',
    );
    await handle.signal(proceedSignal, 'ok');
    await handle.result();
    await eventually(
      async () => (await visibleCount(`WorkflowId = "${id}" AND WmoStatus = "done"`)) === 1,
      'the final WmoStatus in visibility',
    );
    // The row lives in the PostgreSQL visibility database, not in a search engine.
    const url = new URL(inject('postgresAdminUrl'));
    url.pathname = `/${env.fullServer.databases.visibility}`;
    const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
    try {
      const rows = await sql`select status from executions_visibility where workflow_id = ${id}`;
      expect(rows.map((r) => r.status)).toEqual([2]); // 2 = completed
    } finally {
      await sql.end();
    }
  });

  it('loses nothing when the history service is SIGKILLed and restarted mid-workflow', async () => {
    const history = env.fullServer.services.history;
    const handle = await startSmoke('history-kill', 5_000);
    expect((await handle.query(smokeStateQuery)).phase).toBe('waiting');

    const killedAt = Date.now();
    const oldPid = history.pid;
    history.kill('SIGKILL');
    expect(await history.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await history.restart();
    expect(history.pid).not.toBe(oldPid);

    // The timer set before the crash fires after it, and the workflow goes on from there.
    await eventually(
      async () => (await handle.query(smokeStateQuery).catch(() => undefined))?.phase === 'overdue',
      'the pre-crash timer to fire',
      45_000,
    );
    await handle.signal(proceedSignal, 'after restart');
    expect(await handle.result()).toEqual({ phase: 'done', proceededWith: 'after restart' });

    const events = (await handle.fetchHistory()).events ?? [];
    const fired = events.filter((e) => e.timerFiredEventAttributes);
    expect(events.filter((e) => e.timerStartedEventAttributes)).toHaveLength(1);
    expect(fired).toHaveLength(1);
    expect(Number(fired[0]?.eventTime?.seconds) * 1000).toBeGreaterThanOrEqual(
      Math.floor(killedAt / 1000) * 1000,
    );
    expect(events.filter((e) => e.workflowExecutionSignaledEventAttributes)).toHaveLength(1);
  });

  // Last: it stops the server the tests above share.
  it('stops every service on SIGTERM, without needing SIGKILL', async () => {
    worker.shutdown();
    await running;
    const exits = await env.fullServer.stop();
    for (const [name, exit] of Object.entries(exits)) expect(exit.signal, name).not.toBe('SIGKILL');
  });
});
