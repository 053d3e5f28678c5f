import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTimeSkippingEnv, type TemporalTestEnv } from '../support/temporal';
import { createTestWorker } from '../support/worker';
import { proceedSignal, smokeStateQuery, smokeWorkflow } from '../support/workflows/smoke';

const dayMs = 24 * 60 * 60 * 1000;
let env: TemporalTestEnv;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
});

afterAll(async () => {
  await env?.teardown();
});

describe('time-skipping test server', () => {
  it('lets a workflow sleep through a 30-day timer, then finish on a signal', async () => {
    const { worker, taskQueue } = await createTestWorker(env);
    await worker.runUntil(async () => {
      const startedAt = await env.currentTimeMs();
      const handle = await env.client.workflow.start(smokeWorkflow, {
        taskQueue,
        workflowId: `smoke-${randomUUID()}`,
        args: [{ waitDays: 30 }],
      });
      expect(await handle.query(smokeStateQuery)).toEqual({ phase: 'waiting' });

      await env.sleep(31 * dayMs);
      expect((await handle.query(smokeStateQuery)).phase).toBe('overdue');

      await handle.signal(proceedSignal, 'late but done');
      expect(await handle.result()).toEqual({ phase: 'done', proceededWith: 'late but done' });
      expect((await env.currentTimeMs()) - startedAt).toBeGreaterThanOrEqual(30 * dayMs);
    });
  });

  it('finishes without the overdue phase when the signal comes in time', async () => {
    const { worker, taskQueue } = await createTestWorker(env);
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(smokeWorkflow, {
        taskQueue,
        workflowId: `smoke-${randomUUID()}`,
        args: [{ waitDays: 30 }],
      });
      await env.sleep(2 * dayMs);
      await handle.signal(proceedSignal, 'on time');
      expect(await handle.result()).toEqual({ phase: 'done', proceededWith: 'on time' });
    });
  });
});
