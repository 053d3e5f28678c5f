import { WorkflowUpdateFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../calendar/iso-date';
import { startUpdate, stopUpdate } from '../../contract/assignment';
import { recordingActivities, today, useAssignmentHarness, version } from '../support/assignment';
import { createTestWorker } from '../support/worker';

// A refused event is answered with its rule at once; the workflow never fails on it and keeps running.
const h = useAssignmentHarness();
const { startAssignment, queryState } = h;
const env = () => h.env;

describe('assignment workflow: refused events never fail the workflow', () => {
  it('refuses a start outside the toewijzing (TR019), a second start (TR326) and a stop before the start (TR018)', async () => {
    const acts = recordingActivities();
    const { worker, taskQueue } = await createTestWorker(env(), acts);
    await worker.runUntil(async () => {
      const now = today(await env().currentTimeMs());
      const v = version({ ingangsdatum: addDays(now, -10), einddatum: addDays(now, 60), ontvangen: now });
      const handle = await startAssignment(v, taskQueue);
      const refusal = async (p: Promise<unknown>) => {
        const err = await p.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
        return (err as WorkflowUpdateFailedError).cause?.message ?? '';
      };
      expect(
        await refusal(
          handle.executeUpdate(startUpdate, { args: [{ eventId: 'a', begindatum: addDays(now, -20) }] }),
        ),
      ).toMatch(/^TR019/);
      expect(
        await refusal(
          handle.executeUpdate(startUpdate, { args: [{ eventId: 'b', begindatum: 'not a date' }] }),
        ),
      ).toMatch(/^Schema: begindatum/);
      await handle.executeUpdate(startUpdate, { args: [{ eventId: 'c', begindatum: addDays(now, -5) }] });
      expect(
        await refusal(
          handle.executeUpdate(startUpdate, { args: [{ eventId: 'd', begindatum: addDays(now, -4) }] }),
        ),
      ).toMatch(/^TR326/);
      expect(
        await refusal(
          handle.executeUpdate(stopUpdate, {
            args: [{ eventId: 'e', einddatum: addDays(now, -6), redenBeeindiging: '19' }],
          }),
        ),
      ).toMatch(/^TR018/);
      expect(
        await refusal(
          handle.executeUpdate(stopUpdate, {
            args: [{ eventId: 'f', einddatum: now, redenBeeindiging: '99' }],
          }),
        ),
      ).toMatch(/^RedenBeeindiging/);
      const state = await queryState(handle);
      expect(state.status).toBe('in-zorg');
      expect(state.deliveries).toHaveLength(1);
      const description = await handle.describe();
      expect(description.status.name).toBe('RUNNING');
    });
  });
});
