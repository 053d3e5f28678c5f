import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../calendar/iso-date';
import { addWorkingDays } from '../../calendar/working-days';
import { outboxDeliveredSignal, startUpdate, stopUpdate } from '../../contract/assignment';
import { WmoIoFailing } from '../../contract/search-attributes';
import {
  eventually,
  profiles,
  recordingActivities,
  today,
  useAssignmentHarness,
  version,
} from '../support/assignment';
import { createTestWorker } from '../support/worker';

/*
 * Issue 13: input that could never be stored is refused by its rule; an activity that fails for good
 * shows in the state and in WmoIoFailing while the workflow keeps running; and the deadlines around a
 * 305 count from its delivery by the transport, not from the outbox write.
 */

const day = 24 * 60 * 60 * 1000;
const h = useAssignmentHarness();
const { startAssignment, queryState, sentOf } = h;
const env = () => h.env;

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return (err as WorkflowUpdateFailedError).cause?.message ?? '';
}

describe('assignment workflow: text that can never be stored', () => {
  it('refuses a NUL, another control character or a lone surrogate in any text field, naming the rule', async () => {
    const acts = recordingActivities();
    const { worker, taskQueue } = await createTestWorker(env(), acts);
    await worker.runUntil(async () => {
      const now = today(await env().currentTimeMs());
      const handle = await startAssignment(version({ ingangsdatum: now, ontvangen: now }), taskQueue);
      await sentOf(acts, 'WMO302');
      for (const eventId of ['x\u0000y', 'x\u001by', 'x\ud800y', 'x\udc00']) {
        const message = await refusal(
          handle.executeUpdate(startUpdate, { args: [{ eventId, begindatum: now }] }),
        );
        expect(message).toMatch(/^Tekst: .*\(eventId: contains (control character U\+00|a lone surrogate)/);
        expect(message).not.toContain(eventId);
      }
      const stop = await refusal(
        handle.executeUpdate(stopUpdate, {
          args: [{ eventId: 'ok', einddatum: now, redenBeeindiging: '1\u00009' }],
        }),
      );
      // The shape check already refuses this one (two digits): either way, by a named rule.
      expect(stop).toMatch(/^(Schema|Tekst): /);
      // Tab, LF and CR are text; the event goes through.
      const accepted = await handle.executeUpdate(startUpdate, {
        args: [{ eventId: 'tab\tand\nnewline', begindatum: now }],
      });
      expect(accepted).toMatchObject({ accepted: true, messages: ['305'] });
      expect((await handle.describe()).status.name).toBe('RUNNING');
    });
  });
});

/** The state once the workflow says its I/O is failing. */
const ioFailing = (handle: Parameters<typeof queryState>[0]) =>
  eventually(async () => {
    const s = await queryState(handle);
    return s.io?.failing ? s : undefined;
  }, 'io failing');

/** A store that refuses the row for good, as db-errors.ts reports it (no parameters, no client data). */
const refusedBy = (activity: string, table: string) =>
  ApplicationFailure.create({
    type: 'DatabaseRefused',
    message: `${activity}: database error SQLSTATE 22021 (table ${table})`,
    nonRetryable: true,
  });

describe('assignment workflow: I/O that keeps failing', () => {
  it('a non-retryable store failure shows in state and WmoIoFailing; the workflow runs on and takes later events', async () => {
    const acts = recordingActivities();
    const failing = {
      ...acts,
      async sendMessage(input: Parameters<typeof acts.sendMessage>[0]) {
        if (input.message.type === 'WMO305') throw refusedBy('sendMessage', 'outbox_messages');
        return acts.sendMessage(input);
      },
    };
    const { worker, taskQueue } = await createTestWorker(env(), failing);
    await worker.runUntil(async () => {
      const now = today(await env().currentTimeMs());
      const handle = await startAssignment(version({ ingangsdatum: now, ontvangen: now }), taskQueue);
      await sentOf(acts, 'WMO302');
      await handle.executeUpdate(startUpdate, { args: [{ eventId: 'start-1', begindatum: now }] });

      const state = await ioFailing(handle);
      expect(state.io).toMatchObject({
        failing: true,
        activity: 'sendMessage',
        attempts: 1,
        lastErrorType: 'DatabaseRefused',
        setAside: [expect.stringContaining(':305:start-1')],
      });
      expect(state.io?.since).toMatch(/^\d{4}-\d\d-\d\dT/);
      // The message is set aside, visible, and its deadline stays open (it will escalate if never sent).
      expect(state.messages).toContainEqual(
        expect.objectContaining({ type: 'WMO305', status: 'niet-opgeslagen: DatabaseRefused' }),
      );
      expect(state.deadlines.find((d) => d.action === 'verstuur-305')?.status).toBe('open');
      const attribute = await eventually(async () => {
        const d = await handle.describe();
        return d.typedSearchAttributes.get(WmoIoFailing);
      }, 'WmoIoFailing');
      expect(attribute).toBe(true);

      // Still running, and a later event is taken and its message written.
      await env().sleep(day);
      expect((await handle.describe()).status.name).toBe('RUNNING');
      const stopped = await handle.executeUpdate(stopUpdate, {
        args: [{ eventId: 'stop-1', einddatum: now, redenBeeindiging: '19' }],
      });
      expect(stopped).toMatchObject({ accepted: true, messages: ['307'] });
      await sentOf(acts, 'WMO307');
      expect((await queryState(handle)).io?.failing).toBe(true);
    });
  });

  // Both writes run as local activities (patches local-send, local-read-model), whose failure reaches the
  // workflow as the bare cause rather than wrapped in an ActivityFailure; either must be read as I/O failing.
  it('a read-model write that fails for good shows in state; the workflow runs on and later writes', async () => {
    const acts = recordingActivities();
    let failures = 0;
    const failing = {
      ...acts,
      async recordAssignment(row: Parameters<typeof acts.recordAssignment>[0]) {
        if (failures++ < 1) throw refusedBy('recordAssignment', 'assignments');
        return acts.recordAssignment(row);
      },
    };
    const { worker, taskQueue } = await createTestWorker(env(), failing);
    await worker.runUntil(async () => {
      const now = today(await env().currentTimeMs());
      const handle = await startAssignment(version({ ingangsdatum: now, ontvangen: now }), taskQueue);
      const state = await ioFailing(handle);
      expect(state.io).toMatchObject({
        failing: true,
        activity: 'recordAssignment',
        lastErrorType: 'DatabaseRefused',
      });
      expect((await handle.describe()).status.name).toBe('RUNNING');
      await env().sleep(day);
      await eventually(async () => (acts.projections.length > 0 ? true : undefined), 'the row written later');
      expect((await handle.describe()).status.name).toBe('RUNNING');
    });
  });

  it('a store that keeps failing retryably pauses the I/O, says so, and recovers on its own', async () => {
    const acts = recordingActivities();
    let down = true;
    let calls = 0;
    const flaky = {
      ...acts,
      async sendMessage(input: Parameters<typeof acts.sendMessage>[0]) {
        if (down && input.message.type === 'WMO305') {
          calls++;
          throw ApplicationFailure.create({ type: 'DatabaseFailed', message: 'database unavailable' });
        }
        return acts.sendMessage(input);
      },
    };
    const { worker, taskQueue } = await createTestWorker(env(), flaky);
    await worker.runUntil(async () => {
      const now = today(await env().currentTimeMs());
      const handle = await startAssignment(version({ ingangsdatum: now, ontvangen: now }), taskQueue);
      await sentOf(acts, 'WMO302');
      await handle.executeUpdate(startUpdate, { args: [{ eventId: 'start-1', begindatum: now }] });
      const state = await eventually(
        async () => {
          await env().sleep(60_000);
          const s = await queryState(handle);
          return s.io?.failing ? s : undefined;
        },
        'io failing',
        30_000,
      );
      expect(state.io).toMatchObject({
        failing: true,
        activity: 'sendMessage',
        lastErrorType: 'DatabaseFailed',
      });
      expect(state.io?.retryAt).toBeDefined();
      // Bounded attempts per call: the call ended after its attempts, the workflow waits on its own timer.
      expect(calls).toBe(6);
      down = false;
      await env().sleep(7 * 60 * 60 * 1000);
      await sentOf(acts, 'WMO305');
      const healed = await eventually(async () => {
        const s = await queryState(handle);
        return s.io?.failing === false ? s : undefined;
      }, 'io healed');
      expect(healed.deliveries[0]?.start.status).toBe('sent');
      expect(await handle.describe().then((d) => d.typedSearchAttributes.get(WmoIoFailing))).toBe(false);
    });
  });
});

describe('assignment workflow: terms count from delivery, not from the outbox', () => {
  it('a 305 waiting days in the outbox neither meets our deadline nor starts the gemeente’s 306 term', async () => {
    const acts = recordingActivities({ deliver: 'manual' });
    const { worker, taskQueue } = await createTestWorker(env(), acts);
    await worker.runUntil(async () => {
      const now = today(await env().currentTimeMs());
      const v = version({ ingangsdatum: now, ontvangen: now });
      const handle = await startAssignment(v, taskQueue);
      await sentOf(acts, 'WMO302');
      await handle.executeUpdate(startUpdate, { args: [{ eventId: 'start-1', begindatum: now }] });
      const [m305] = await sentOf(acts, 'WMO305');
      let state = await eventually(async () => {
        const s = await queryState(handle);
        return s.messages.some((m) => m.type === 'WMO305') ? s : undefined;
      }, '305 in the outbox');
      expect(state.messages.find((m) => m.type === 'WMO305')?.status).toBe('in-outbox');
      expect(state.deadlines.find((d) => d.action === 'verstuur-305')?.status).toBe('open');
      expect(state.deadlines.some((d) => d.action === 'verstuur-306')).toBe(false);

      // The transport is down for a week; then the 305 goes out.
      await env().sleep(7 * day);
      const deliveredAt = new Date(await env().currentTimeMs());
      const deliveredOn = today(deliveredAt.getTime());
      await handle.signal(outboxDeliveredSignal, {
        outboxKey: m305?.idempotencyKey as string,
        deliveredAt: deliveredAt.toISOString(),
      });
      state = await eventually(async () => {
        const s = await queryState(handle);
        return s.deadlines.some((d) => d.action === 'verstuur-306') ? s : undefined;
      }, '306 deadline');
      const own = state.deadlines.find((d) => d.action === 'verstuur-305');
      expect(own).toMatchObject({ status: 'met', closedOn: deliveredOn });
      const d306 = state.deadlines.find((d) => d.action === 'verstuur-306');
      const term = profiles.profileFor(v.gemeente).deadlines.find((r) => r.action === 'verstuur-306');
      expect(term).toBeDefined();
      expect(d306).toMatchObject({ status: 'open', from: deliveredOn });
      expect(d306?.due).toBe(addWorkingDays(deliveredOn, term?.workingDays as number));
      expect((d306?.due ?? '') > addWorkingDays(now, term?.workingDays as number)).toBe(true);
      expect(state.overdue).toBe(false);
      expect(state.messages.find((m) => m.type === 'WMO305')?.status).toBe('afgeleverd');

      // The gemeente downloads it two days later: its term moves to count from then.
      const downloadedAt = new Date(Date.parse(`${addDays(deliveredOn, 2)}T10:00:00Z`));
      await handle.signal(outboxDeliveredSignal, {
        outboxKey: m305?.idempotencyKey as string,
        deliveredAt: deliveredAt.toISOString(),
        downloadedAt: downloadedAt.toISOString(),
      });
      state = await eventually(async () => {
        const s = await queryState(handle);
        return s.messages.find((m) => m.type === 'WMO305')?.status === 'opgehaald' ? s : undefined;
      }, '305 downloaded');
      expect(state.deadlines.find((d) => d.action === 'verstuur-306')?.from).toBe(addDays(deliveredOn, 2));
    });
  });
});
