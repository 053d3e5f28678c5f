import type { WorkflowUpdateFailedError } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../calendar/iso-date';
import { addWorkingDays } from '../../calendar/working-days';
import { assignmentWorkflowId, startUpdate, stopUpdate, toewijzingSignal } from '../../contract/assignment';
import {
  eventually,
  profiles,
  recordingActivities,
  today,
  useAssignmentHarness,
  version,
} from '../support/assignment';
import { createTestWorker } from '../support/worker';

const day = 24 * 60 * 60 * 1000;
const h = useAssignmentHarness();
const { startAssignment, sentOf, identificatieOf, retour, queryState } = h;
const env = () => h.env;

describe('assignment workflow: the happy lifecycle under iWmo 3.2', () => {
  it('301 → 302 → 305 → 306 → 307 → 308, then hands the month to claims and ends', async () => {
    const acts = recordingActivities();
    const { worker, taskQueue } = await createTestWorker(env(), acts);
    await worker.runUntil(async () => {
      const now = today(await env().currentTimeMs());
      const v = version({ ingangsdatum: now, ontvangen: now });
      const handle = await startAssignment(v, taskQueue);

      const [r302] = await sentOf(acts, 'WMO302');
      expect(r302?.message).toEqual({ type: 'WMO302', heenMessageId: v.messageId, retourCodes: [] });
      let state = await queryState(handle);
      const d302 = state.deadlines.find((d) => d.action === 'verstuur-302');
      // iWmo 3.2: a retour within 3 working days (OP090).
      expect(d302).toMatchObject({ status: 'met', rule: 'OP090', due: addWorkingDays(now, 3) });

      const started = await handle.executeUpdate(startUpdate, {
        args: [{ eventId: 'start-1', begindatum: now }],
      });
      expect(started).toMatchObject({ accepted: true, messages: ['305'], lateWorkingDays: 0 });
      const [m305] = await sentOf(acts, 'WMO305');
      expect(m305?.message).toMatchObject({
        begindatum: now,
        statusAanlevering: '1',
        toewijzingNummer: v.toewijzingNummer,
      });
      await eventually(
        async () => (await queryState(handle)).deadlines.some((d) => d.action === 'verstuur-306'),
        '306 deadline',
      );
      await retour(handle, 'WMO306', identificatieOf(acts, 'WMO305'));

      const stopped = await handle.executeUpdate(stopUpdate, {
        args: [{ eventId: 'stop-1', einddatum: now, redenBeeindiging: '19' }],
      });
      expect(stopped).toMatchObject({ accepted: true, messages: ['307'] });
      await sentOf(acts, 'WMO307');
      await eventually(
        async () => (await queryState(handle)).deadlines.some((d) => d.action === 'verstuur-308'),
        '308 deadline',
      );
      await retour(handle, 'WMO308', identificatieOf(acts, 'WMO307'));

      const final = await handle.result();
      expect(final.status).toBe('gestopt');
      expect(final.deliveries).toEqual([
        expect.objectContaining({ begindatum: now, einddatum: now, redenBeeindiging: '19' }),
      ]);
      expect(final.deliveries[0]?.start.status).toBe('approved');
      expect(final.deliveries[0]?.stop?.status).toBe('approved');
      expect(final.deadlines.every((d) => d.status === 'met')).toBe(true);
      expect(final.escalations).toEqual([]);
      expect(acts.escalations).toEqual([]);
      // The month with care was handed to the claims hook before the workflow ended.
      expect(acts.claims).toEqual([
        expect.objectContaining({ calendar: 'month', start: `${now.slice(0, 7)}-01` }),
      ]);
      state = final;
      expect(JSON.stringify(state)).not.toContain('Bsn');
    });
  });
});

describe('assignment workflow: patch markers of a new run', () => {
  it('one marker (lifecycle-2026-12) and one TemporalChangeVersion upsert, not one per patch', async () => {
    const acts = recordingActivities();
    const { worker, taskQueue } = await createTestWorker(env(), acts);
    await worker.runUntil(async () => {
      const now = today(await env().currentTimeMs());
      const handle = await startAssignment(version({ ingangsdatum: now, ontvangen: now }), taskQueue);
      await sentOf(acts, 'WMO302');
      // The 302 is written inside the first workflow task; its events are in history once it completed.
      const events = await eventually(async () => {
        const all = (await handle.fetchHistory()).events ?? [];
        return all.some((e) => e.timerStartedEventAttributes) ? all : undefined;
      }, 'the first workflow task completed (its timer started)');
      const patchIds = events
        .flatMap((e) => (e.markerRecordedEventAttributes?.markerName === 'core_patch' ? [e] : []))
        .map((e) => {
          const data = e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data;
          return (JSON.parse(Buffer.from(data ?? []).toString('utf8')) as { id: string }).id;
        });
      expect(patchIds).toEqual(['lifecycle-2026-12']);
      // Each upsert is a write of the visibility row (74 indexes on SQL visibility): docs/production.md.
      const changeVersionUpserts = events.filter(
        (e) =>
          e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields
            ?.TemporalChangeVersion,
      );
      expect(changeVersionUpserts).toHaveLength(1);
    });
  });
});

describe('assignment workflow: deadlines and escalations', () => {
  it('a missed 305 deadline (seed protocol, 10 wd after the 301) escalates once; the late 305 is still accepted', async () => {
    const acts = recordingActivities();
    const { worker, taskQueue } = await createTestWorker(env(), acts);
    await worker.runUntil(async () => {
      const now = today(await env().currentTimeMs());
      const v = version({ gemeente: '1916', ingangsdatum: now, ontvangen: now });
      expect(profiles.profileFor('1916').id).toBe('leidschendam-voorburg-2019');
      const handle = await startAssignment(v, taskQueue);
      await sentOf(acts, 'WMO302');
      const due305 = addWorkingDays(now, 10);
      const opened = (await queryState(handle)).deadlines.find((d) => d.action === 'verstuur-305');
      expect(opened).toMatchObject({
        status: 'open',
        due: due305,
        owner: 'aanbieder',
        rule: 'protocol LV 2019',
      });

      await env().sleep(21 * day);
      await eventually(() => acts.escalations.length > 0, 'escalation');
      let state = await queryState(handle);
      expect(state.overdue).toBe(true);
      await env().sleep(7 * day);
      expect(acts.escalations).toHaveLength(1);
      expect(acts.escalations[0]).toMatchObject({
        action: 'verstuur-305',
        owner: 'aanbieder',
        dueDate: due305,
        recipients: ['aanbieder', 'gemeente'],
        workflowId: assignmentWorkflowId('1916', v.toewijzingNummer),
      });

      const late = await handle.executeUpdate(startUpdate, {
        args: [{ eventId: 'late-start', begindatum: now }],
      });
      expect(late.lateWorkingDays).toBeGreaterThan(5);
      await sentOf(acts, 'WMO305');
      state = await eventually(async () => {
        const s = await queryState(handle);
        return s.deadlines.find((d) => d.action === 'verstuur-305')?.status === 'met' ? s : undefined;
      }, '305 deadline met');
      expect(state.deadlines.find((d) => d.action === 'verstuur-305')).toMatchObject({
        escalated: true,
        status: 'met',
      });
      // Met after its escalation: the recipients hear it was resolved, once, under the escalation's key.
      const [resolution] = await eventually(
        () => (acts.resolutions.length ? acts.resolutions : undefined),
        'resolution',
      );
      expect(resolution).toMatchObject({
        idempotencyKey: acts.escalations[0]?.idempotencyKey,
        action: 'verstuur-305',
        metOn: state.deadlines.find((d) => d.action === 'verstuur-305')?.closedOn,
      });
      state = await queryState(handle);
      expect(state.deadlines.find((d) => d.action === 'verstuur-305')?.resolved).toBe(true);
      expect(state.overdue).toBe(false);
      // The same event again (a retried HTTP call) gets the same answer and sends nothing new.
      const again = await handle.executeUpdate(startUpdate, {
        args: [{ eventId: 'late-start', begindatum: now }],
      });
      expect(again).toEqual(late);
      expect(acts.sent.filter((s) => s.message.type === 'WMO305')).toHaveLength(1);
    });
  });

  it('a missing 306 escalates to the gemeente as owner', async () => {
    const acts = recordingActivities();
    const { worker, taskQueue } = await createTestWorker(env(), acts);
    await worker.runUntil(async () => {
      const now = today(await env().currentTimeMs());
      const handle = await startAssignment(version({ ingangsdatum: now, ontvangen: now }), taskQueue);
      await handle.executeUpdate(startUpdate, { args: [{ eventId: 's', begindatum: now }] });
      await sentOf(acts, 'WMO305');
      await env().sleep(10 * day);
      const escalation = await eventually(
        () => acts.escalations.find((e) => e.action === 'verstuur-306'),
        '306 escalation',
      );
      expect(escalation).toMatchObject({
        owner: 'gemeente',
        rule: 'OP090',
        recipients: ['aanbieder', 'gemeente'],
      });
      expect(acts.escalations.filter((e) => e.action === 'verstuur-306')).toHaveLength(1);
    });
  });
});

describe('assignment workflow: toewijzing versions', () => {
  it('applies the newest version whatever the arrival order; an older or identical one is recorded only', async () => {
    const acts = recordingActivities();
    const { worker, taskQueue } = await createTestWorker(env(), acts);
    await worker.runUntil(async () => {
      const now = today(await env().currentTimeMs());
      const first = version({ ingangsdatum: now, einddatum: addDays(now, 90), ontvangen: now });
      const handle = await startAssignment(first, taskQueue);
      const base = { ...first, toewijzingNummer: first.toewijzingNummer };
      const extended = {
        ...base,
        messageId: 'ext',
        einddatum: addDays(now, 180),
        redenWijziging: '04',
        toewijzingstijd: '11:00:00',
      };
      const older = {
        ...base,
        messageId: 'old',
        einddatum: addDays(now, 30),
        redenWijziging: '05',
        toewijzingstijd: '10:00:00',
      };
      await handle.signal(toewijzingSignal, extended);
      await handle.signal(toewijzingSignal, older);
      await handle.signal(toewijzingSignal, { ...extended, messageId: 'same-again' });
      await handle.signal(toewijzingSignal, extended); // re-delivery: ignored entirely
      const state = await eventually(async () => {
        const s = await queryState(handle);
        return s.versions.length === 4 ? s : undefined;
      }, 'four versions');
      expect(state.toewijzing.einddatum).toBe(addDays(now, 180));
      expect(state.versions.map((x) => [x.messageId, x.applied, x.reason])).toEqual([
        [first.messageId, true, undefined],
        ['ext', true, undefined],
        ['old', false, 'older'],
        ['same-again', false, 'identical'],
      ]);
      // Every 301 message is answered with its own 302, once.
      await sentOf(acts, 'WMO302', 4);
      expect(new Set(acts.sent.map((s) => s.idempotencyKey)).size).toBe(acts.sent.length);
    });
  });

  it('deletion (RedenWijziging 13) ends the assignment with nothing further owed but the 302', async () => {
    const acts = recordingActivities();
    const { worker, taskQueue } = await createTestWorker(env(), acts);
    await worker.runUntil(async () => {
      const now = today(await env().currentTimeMs());
      const first = version({ ingangsdatum: addDays(now, 5), einddatum: addDays(now, 90), ontvangen: now });
      const handle = await startAssignment(first, taskQueue);
      const deleted = {
        ...first,
        messageId: 'del',
        einddatum: first.ingangsdatum,
        redenWijziging: '13',
        toewijzingstijd: '12:00:00',
      };
      await handle.signal(toewijzingSignal, deleted);
      const final = await handle.result();
      expect(final.status).toBe('verwijderd');
      expect(final.deadlines.filter((d) => d.status === 'open')).toEqual([]);
      expect(final.deadlines.find((d) => d.action === 'verstuur-305')?.status).toBe('cancelled');
      expect(acts.sent.map((s) => s.message.type)).toEqual(['WMO302', 'WMO302']);
    });
  });

  it('withdrawal (end moved into the past while care runs) makes a 307 owed', async () => {
    const acts = recordingActivities();
    const { worker, taskQueue } = await createTestWorker(env(), acts);
    await worker.runUntil(async () => {
      const now = today(await env().currentTimeMs());
      const first = version({
        ingangsdatum: addDays(now, -20),
        einddatum: addDays(now, 90),
        ontvangen: addDays(now, -20),
      });
      const handle = await startAssignment(first, taskQueue);
      await handle.executeUpdate(startUpdate, { args: [{ eventId: 's', begindatum: addDays(now, -20) }] });
      const shortened = {
        ...first,
        messageId: 'short',
        einddatum: addDays(now, -2),
        redenWijziging: '05',
        ontvangen: now,
        toewijzingsdatum: now,
      };
      await handle.signal(toewijzingSignal, shortened);
      const state = await eventually(async () => {
        const s = await queryState(handle);
        return s.deadlines.some((d) => d.action === 'verstuur-307') ? s : undefined;
      }, '307 owed');
      expect(state.deadlines.find((d) => d.action === 'verstuur-307')).toMatchObject({
        status: 'open',
        rule: 'OP272',
        due: addWorkingDays(now, 5),
      });
    });
  });
});

describe('assignment workflow: temporary stop', () => {
  it('temporary stop then restart, and temporary stop then definitive stop (TR413/TR414)', async () => {
    const acts = recordingActivities();
    const { worker, taskQueue } = await createTestWorker(env(), acts);
    await worker.runUntil(async () => {
      const now = today(await env().currentTimeMs());
      const v = version({
        ingangsdatum: addDays(now, -30),
        einddatum: addDays(now, 200),
        ontvangen: addDays(now, -30),
      });
      const handle = await startAssignment(v, taskQueue);
      await handle.executeUpdate(startUpdate, { args: [{ eventId: 's1', begindatum: addDays(now, -30) }] });
      await handle.executeUpdate(stopUpdate, {
        args: [{ eventId: 't1', einddatum: addDays(now, -20), redenBeeindiging: '20' }],
      });
      expect((await queryState(handle)).status).toBe('tijdelijk-gestopt');
      await handle.executeUpdate(startUpdate, { args: [{ eventId: 's2', begindatum: addDays(now, -10) }] });
      let state = await queryState(handle);
      expect(state.status).toBe('in-zorg');
      expect(state.deliveries.map((d) => d.begindatum)).toEqual([addDays(now, -30), addDays(now, -10)]);

      await handle.executeUpdate(stopUpdate, {
        args: [{ eventId: 't2', einddatum: addDays(now, -5), redenBeeindiging: '20' }],
      });
      const err = await handle
        .executeUpdate(stopUpdate, {
          args: [{ eventId: 't3', einddatum: addDays(now, -6), redenBeeindiging: '19' }],
        })
        .catch((e: WorkflowUpdateFailedError) => e);
      expect((err as WorkflowUpdateFailedError).cause?.message).toMatch(/^TR414/);
      const tr413 = await handle
        .executeUpdate(stopUpdate, {
          args: [{ eventId: 't4', einddatum: addDays(now, -4), redenBeeindiging: '20' }],
        })
        .catch((e: WorkflowUpdateFailedError) => e);
      expect((tr413 as WorkflowUpdateFailedError).cause?.message).toMatch(/^TR413/);
      const definitive = await handle.executeUpdate(stopUpdate, {
        args: [{ eventId: 't5', einddatum: addDays(now, -3), redenBeeindiging: '23' }],
      });
      expect(definitive.accepted).toBe(true);
      state = await queryState(handle);
      expect(state.status).toBe('gestopt');
      // OP272: a definitive stop after a temporary one counts from the day it became known.
      // Found by its start, not its place: under load the temporary stop's 307 may close in another order.
      const from307 = state.deadlines.filter((d) => d.action === 'verstuur-307').map((d) => d.from);
      expect(from307).toContain(now);
      expect(from307).not.toContain(addDays(now, -3));
      await sentOf(acts, 'WMO307', 3);
    });
  });
});

describe('assignment workflow: a rejected 305', () => {
  it('reopens the provider deadline with the retour codes; a corrected start is accepted', async () => {
    const acts = recordingActivities();
    const { worker, taskQueue } = await createTestWorker(env(), acts);
    await worker.runUntil(async () => {
      const now = today(await env().currentTimeMs());
      const v = version({ ingangsdatum: addDays(now, -3), ontvangen: addDays(now, -3) });
      const handle = await startAssignment(v, taskQueue);
      await handle.executeUpdate(startUpdate, { args: [{ eventId: 's1', begindatum: addDays(now, -3) }] });
      await sentOf(acts, 'WMO305');
      await eventually(
        async () => (await queryState(handle)).deadlines.some((d) => d.action === 'verstuur-306'),
        '306 deadline',
      );
      await retour(handle, 'WMO306', identificatieOf(acts, 'WMO305'), ['9019']);
      const state = await eventually(async () => {
        const s = await queryState(handle);
        return s.deliveries[0]?.start.status === 'rejected' ? s : undefined;
      }, 'rejected start');
      expect(state.deadlines.find((d) => d.action === 'verstuur-305' && d.status === 'open')).toMatchObject({
        reopenedBy: ['9019'],
      });
      const again = await handle.executeUpdate(startUpdate, {
        args: [{ eventId: 's2', begindatum: addDays(now, -2) }],
      });
      expect(again.accepted).toBe(true);
      await sentOf(acts, 'WMO305', 2);
    });
  });
});

describe('assignment workflow: long life', () => {
  it('36 months with a new version each month: continue-as-new per billing period, no signal lost, runs stay small', async () => {
    const acts = recordingActivities();
    const { worker, taskQueue } = await createTestWorker(env(), acts);
    await worker.runUntil(async () => {
      const now = today(await env().currentTimeMs());
      const months = Number(process.env.MONTHS ?? 36);
      const first = version({ ingangsdatum: now, einddatum: addDays(now, 3 * 366), ontvangen: now });
      const handle = await startAssignment(first, taskQueue);
      await handle.executeUpdate(startUpdate, { args: [{ eventId: 'start', begindatum: now }] });
      await sentOf(acts, 'WMO305');
      await retour(handle, 'WMO306', identificatieOf(acts, 'WMO305'));
      for (let month = 1; month <= months; month++) {
        await env().sleep(30 * day);
        const on = today(await env().currentTimeMs());
        await env()
          .client.workflow.getHandle(handle.workflowId)
          .signal(toewijzingSignal, {
            ...first,
            messageId: `month-${month}`,
            toewijzingsdatum: on,
            ontvangen: on,
            omvang: { volume: 4 + month, eenheid: '04', frequentie: '6' },
          });
      }
      const latest = env().client.workflow.getHandle(handle.workflowId);
      const state = await eventually(async () => {
        const s = await queryState(latest);
        return s.versions.length === months + 1 ? s : undefined;
      }, 'every version');
      expect(state.versions.every((x) => x.applied)).toBe(true);
      expect(state.toewijzing.omvang?.volume).toBe(4 + months);
      expect(acts.sent.filter((s) => s.message.type === 'WMO302')).toHaveLength(months + 1);
      expect(acts.claims.length).toBeGreaterThanOrEqual(months - 1);

      // Walk the chain of runs: each one continued as new and stayed far below 2,000 events.
      const sizes: number[] = [];
      let runId: string | undefined = handle.signaledRunId;
      while (runId) {
        const history: History = await env()
          .client.workflow.getHandle(handle.workflowId, runId)
          .fetchHistory();
        const events = history.events ?? [];
        sizes.push(events.length);
        const next: string | null | undefined =
          events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
        runId = next ?? undefined;
      }
      expect(sizes.length).toBeGreaterThanOrEqual(months - 1);
      expect(Math.max(...sizes)).toBeLessThan(2000);
    });
  }, 180_000);
});
