import type { WorkflowUpdateFailedError } from '@temporalio/client';
import { addDays } from '../../calendar/iso-date';
import { toewijzingSignal } from '../../contract/assignment';
import { eventually } from './assignment';
import { claimLineScenarios, claimsBatchScenarios } from './history-scenarios-claims';
import {
  answer,
  day,
  deliver,
  expectThat,
  finalState,
  type HistoryScenario,
  happyPath,
  sentOf,
  start,
  startAssignment,
  stop,
  today,
  toewijzing,
  waitState,
} from './history-steps';

/*
 * The scenarios whose histories are recorded into test/histories/ (scripts/record-histories.ts) and
 * replayed against the current workflow code (test/workflow/replay.test.ts). Each drives one assignment
 * through the same steps as a workflow test, with fixed data: fixed message ids, toewijzingnummers and
 * dates counted from `day0`, a fixed Monday the recorder moves the server's clock to. Each checks its
 * own outcome, so a recording that went another way than intended fails instead of being committed.
 * No BSN or name anywhere: the workflow only ever carries a clientRef.
 *
 * The steps are in history-steps.ts, the claims scenarios in history-scenarios-claims.ts, reading what
 * was recorded in history-reading.ts.
 */

export type { HistoryScenario, ScenarioContext } from './history-steps';

export const historyScenarios: HistoryScenario[] = [
  ...claimLineScenarios,
  {
    name: 'delivered-late',
    deliver: 'manual',
    covers:
      'patches delivery-deadlines and escalation-resolved: the 305 waits in the outbox past its deadline (escalated), is delivered days later (met late, resolution sent, 306 term from delivery), then stop and retours',
    async run(ctx) {
      const { handle, ids } = await startAssignment(ctx, toewijzing(4010, ctx.day0, {}));
      await sentOf(ctx.acts, 'WMO302', 1);
      await start(handle, 'start-1', ctx.day0);
      await sentOf(ctx.acts, 'WMO305', 1);
      await ctx.env.sleep(10 * day);
      await eventually(
        () => ctx.acts.escalations.find((e) => e.action === 'verstuur-305'),
        'the undelivered 305 escalated',
      );
      expectThat(
        !ctx.acts.escalations.some((e) => e.action === 'verstuur-306'),
        'no 306 term while the 305 was undelivered',
      );
      await deliver(ctx, handle, 'WMO305', 0);
      await eventually(() => ctx.acts.resolutions[0], 'the 305 escalation resolved');
      const state = await waitState(ctx, handle, '306 term open', (s) =>
        s.deadlines.some((d) => d.action === 'verstuur-306'),
      );
      const d306 = state.deadlines.find((d) => d.action === 'verstuur-306');
      expectThat(d306?.from === (await today(ctx)), '306 term counts from the delivery');
      await answer(ctx, handle, 'WMO305', 0);
      await stop(handle, 'stop-1', await today(ctx), '19');
      await deliver(ctx, handle, 'WMO307', 0);
      await answer(ctx, handle, 'WMO307', 0);
      await finalState(handle, 'gestopt');
      return ids;
    },
  },
  {
    name: 'happy',
    covers: '301 → 302 → 305 → 306 → 307 → 308, the month handed to claims, the workflow ends',
    run: happyPath(4001),
  },
  {
    // Recorded after 'local-read-model' (issue 17): the read model written by local activities. 'happy'
    // keeps the path from before, so both replay.
    name: 'happy-local-read-model',
    covers: 'the happy path with the read model written by a local activity (patch local-read-model)',
    run: happyPath(4101),
  },
  {
    // Recorded after 'local-send' (issue 17): the owed messages written by local activities too, so the
    // 301 → 302 path is one workflow task. 'happy-local-read-model' keeps the path from before.
    name: 'happy-local-send',
    covers: 'the happy path with owed messages written by a local activity (patch local-send)',
    run: happyPath(4102),
  },
  {
    // Recorded after 'lifecycle-2026-12' (issue 17): one patch marker for all eight in a new run.
    // 'happy-local-send' keeps the eight markers of the runs from before.
    name: 'happy-one-patch',
    covers: 'the happy path of a run with one marker for every patch (patch lifecycle-2026-12)',
    run: happyPath(4103),
  },
  {
    name: 'missed-305-escalation',
    covers:
      'leidschendam-voorburg-2019 (gemeente 1916): the 305 deadline passes, one escalation, the late 305 is accepted, then stop and retours',
    async run(ctx) {
      const { handle, ids } = await startAssignment(ctx, toewijzing(4002, ctx.day0, { gemeente: '1916' }));
      await sentOf(ctx.acts, 'WMO302', 1);
      await ctx.env.sleep(21 * day);
      await eventually(() => ctx.acts.escalations.length > 0 || undefined, 'escalation');
      await ctx.env.sleep(7 * day);
      expectThat(ctx.acts.escalations.length === 1, 'exactly one escalation');
      expectThat(ctx.acts.escalations[0]?.action === 'verstuur-305', 'the 305 deadline escalated');
      const late = await start(handle, 'late-start', ctx.day0);
      expectThat((late.lateWorkingDays ?? 0) > 0, 'the 305 is marked late');
      await answer(ctx, handle, 'WMO305', 0);
      await stop(handle, 'stop-1', await today(ctx), '19');
      await answer(ctx, handle, 'WMO307', 0);
      await finalState(handle, 'gestopt');
      return ids;
    },
  },
  {
    name: 'missing-306-escalation',
    covers: 'the gemeente does not answer the 305 in time: escalated to the gemeente; the late 306 closes it',
    async run(ctx) {
      const { handle, ids } = await startAssignment(ctx, toewijzing(4003, ctx.day0, {}));
      await start(handle, 'start-1', ctx.day0);
      await sentOf(ctx.acts, 'WMO305', 1);
      await ctx.env.sleep(10 * day);
      const escalation = await eventually(
        () => ctx.acts.escalations.find((e) => e.action === 'verstuur-306'),
        '306 escalation',
      );
      expectThat(escalation.owner === 'gemeente', 'escalated with the gemeente as owner');
      await answer(ctx, handle, 'WMO305', 0);
      await stop(handle, 'stop-1', await today(ctx), '19');
      await answer(ctx, handle, 'WMO307', 0);
      await finalState(handle, 'gestopt');
      return ids;
    },
  },
  {
    name: 'versions',
    covers:
      'a newer version (extension), an older one arriving last, an identical one, a re-delivery, then deletion (RedenWijziging 13) ends it',
    async run(ctx) {
      const d = ctx.day0;
      const first = toewijzing(4004, d, { ingangsdatum: addDays(d, 5), einddatum: addDays(d, 90) });
      const { handle, ids } = await startAssignment(ctx, first);
      const extended = {
        ...first,
        messageId: 'rp-4004-301-ext',
        berichtIdentificatie: 'RP4004E',
        einddatum: addDays(d, 180),
        redenWijziging: '04',
        toewijzingstijd: '11:00:00',
      };
      const older = {
        ...first,
        messageId: 'rp-4004-301-old',
        berichtIdentificatie: 'RP4004O',
        einddatum: addDays(d, 30),
        redenWijziging: '05',
        toewijzingstijd: '10:00:00',
      };
      await handle.signal(toewijzingSignal, extended);
      await handle.signal(toewijzingSignal, older);
      await handle.signal(toewijzingSignal, { ...extended, messageId: 'rp-4004-301-same' });
      await handle.signal(toewijzingSignal, extended); // a re-delivery: ignored entirely
      const state = await waitState(ctx, handle, 'four versions', (s) => s.versions.length === 4);
      expectThat(
        state.versions.map((x) => x.reason ?? 'applied').join() === 'applied,applied,older,identical',
        'newest applied, older and identical recorded only',
      );
      await sentOf(ctx.acts, 'WMO302', 4);
      await handle.signal(toewijzingSignal, {
        ...first,
        messageId: 'rp-4004-301-del',
        berichtIdentificatie: 'RP4004D',
        einddatum: first.ingangsdatum,
        redenWijziging: '13',
        toewijzingstijd: '12:00:00',
      });
      await finalState(handle, 'verwijderd');
      return ids;
    },
  },
  {
    name: 'rejected-305',
    covers: 'a 306 with retour code 9019 reopens the 305 deadline; the corrected start is sent and approved',
    async run(ctx) {
      const { handle, ids } = await startAssignment(ctx, toewijzing(4005, ctx.day0, {}));
      await start(handle, 'start-1', ctx.day0);
      await answer(ctx, handle, 'WMO305', 0, ['9019']);
      await waitState(ctx, handle, 'rejected start', (s) => s.deliveries[0]?.start.status === 'rejected');
      await start(handle, 'start-2', ctx.day0);
      await answer(ctx, handle, 'WMO305', 1);
      await stop(handle, 'stop-1', ctx.day0, '19');
      await answer(ctx, handle, 'WMO307', 0);
      await finalState(handle, 'gestopt');
      return ids;
    },
  },
  {
    name: 'temporary-stop',
    covers:
      'temporary stop (RedenBeeindiging 20), restart, a second temporary stop, a refused one (TR413), then the definitive stop',
    async run(ctx) {
      const d = ctx.day0;
      const { handle, ids } = await startAssignment(ctx, toewijzing(4006, d, { einddatum: addDays(d, 200) }));
      await start(handle, 'start-1', d);
      await answer(ctx, handle, 'WMO305', 0);
      await stop(handle, 'pause-1', addDays(d, 2), '20');
      await answer(ctx, handle, 'WMO307', 0);
      await ctx.env.sleep(14 * day);
      const restart = await today(ctx);
      await start(handle, 'start-2', restart);
      await answer(ctx, handle, 'WMO305', 1);
      await stop(handle, 'pause-2', restart, '20');
      await answer(ctx, handle, 'WMO307', 1);
      const refused = await stop(handle, 'pause-3', restart, '20').catch((e: WorkflowUpdateFailedError) => e);
      expectThat(
        refused instanceof Error &&
          /^TR413/.test((refused as WorkflowUpdateFailedError).cause?.message ?? ''),
        'a second temporary stop in a row is refused with TR413',
      );
      await stop(handle, 'stop-1', restart, '23');
      await answer(ctx, handle, 'WMO307', 2);
      // Recorded up to here, not to the end: the claim periods that follow are not what this scenario is about.
      await waitState(
        ctx,
        handle,
        'every retour in',
        (s) => s.status === 'gestopt' && s.deadlines.every((x) => x.status !== 'open'),
      );
      return ids;
    },
  },
  {
    name: 'continue-as-new',
    covers: 'care running through three billing periods with a new version each month: one run per period',
    async run(ctx) {
      const d = ctx.day0;
      const first = toewijzing(4007, d, { einddatum: addDays(d, 366) });
      const { handle, ids } = await startAssignment(ctx, first);
      await start(handle, 'start-1', d);
      await answer(ctx, handle, 'WMO305', 0);
      const months = 3;
      for (let month = 1; month <= months; month++) {
        await ctx.env.sleep(30 * day);
        const on = await today(ctx);
        // Signalled on the latest run: the first one has continued as new by now.
        await ctx.env.client.workflow.getHandle(ids.workflowId).signal(toewijzingSignal, {
          ...first,
          messageId: `rp-4007-301-m${month}`,
          berichtIdentificatie: `RP4007M${month}`,
          toewijzingsdatum: on,
          ontvangen: on,
          omvang: { volume: 4 + month, eenheid: '04', frequentie: '6' },
        });
      }
      const latest = ctx.env.client.workflow.getHandle(ids.workflowId);
      await waitState(ctx, latest, 'every version', (s) => s.versions.length === months + 1);
      await sentOf(ctx.acts, 'WMO302', months + 1);
      return ids;
    },
  },
  ...claimsBatchScenarios,
];
