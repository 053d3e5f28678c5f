import type { WorkflowHandle, WorkflowUpdateFailedError } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils';
import proto from '@temporalio/proto';
import { amsterdamDateOf } from '../../calendar/amsterdam';
import { addDays, type IsoDate } from '../../calendar/iso-date';
import {
  type AssignmentState,
  assignmentWorkflowId,
  confirmCorrectionUpdate,
  outboxDeliveredSignal,
  recordPaymentUpdate,
  retourSignal,
  startUpdate,
  stateQuery,
  stopUpdate,
  type ToewijzingVersion,
  toewijzingSignal,
} from '../../contract/assignment';
import {
  antwoordSignal,
  type ClaimLine,
  claimLineOutcomeSignal,
  claimLinesSignal,
  claimsBatchWorkflowId,
} from '../../contract/claims';
import { eventually, inputFor, profiles, type RecordedActivities } from './assignment';
import { antwoordOn, type BatchDoubles, clientRefOf } from './claims-batch';
import type { TemporalTestEnv } from './temporal';

/*
 * The scenarios whose histories are recorded into test/histories/ (scripts/record-histories.ts) and
 * replayed against the current workflow code (test/workflow/replay.test.ts). Each drives one assignment
 * through the same steps as a workflow test, with fixed data: fixed message ids, toewijzingnummers and
 * dates counted from `day0`, a fixed Monday the recorder moves the server's clock to. Each checks its
 * own outcome, so a recording that went another way than intended fails instead of being committed.
 * No BSN or name anywhere: the workflow only ever carries a clientRef.
 */

export interface ScenarioContext {
  env: TemporalTestEnv;
  taskQueue: string;
  acts: RecordedActivities;
  /** The first day of the scenario (Europe/Amsterdam); every date is counted from it. */
  day0: IsoDate;
  /** The claims batch's doubles (its escalations go to `acts.escalate`, the same activity as the assignment's). */
  claims: BatchDoubles;
}

export interface HistoryScenario {
  /** File name stem in test/histories/: `<name>.json`, or `<name>.run-<n>.json` per continued run. */
  name: string;
  covers: string;
  /** How the recording doubles deliver 305/307s (test/support/assignment.ts); default at once. */
  deliver?: 'at-once' | 'manual';
  /** Drives the scenario; resolves with the workflow id and the id of its first run. */
  run(ctx: ScenarioContext): Promise<{ workflowId: string; firstRunId: string }>;
}

const day = 24 * 60 * 60 * 1000;
type Handle = WorkflowHandle;

function toewijzing(nummer: number, day0: IsoDate, fields: Partial<ToewijzingVersion>): ToewijzingVersion {
  return {
    messageId: `rp-${nummer}-301`,
    berichtIdentificatie: `RP${nummer}`,
    gemeente: '0363',
    aanbieder: '12345678',
    clientRef: `c_replay${nummer}`,
    toewijzingNummer: nummer,
    product: { categorie: '02', code: '02A01' },
    toewijzingsdatum: day0,
    toewijzingstijd: '09:00:00',
    ingangsdatum: day0,
    omvang: { volume: 4, eenheid: '04', frequentie: '2' },
    ontvangen: day0,
    ...fields,
  };
}

async function startAssignment(ctx: ScenarioContext, v: ToewijzingVersion) {
  const handle = await ctx.env.client.workflow.signalWithStart('assignmentWorkflow', {
    taskQueue: ctx.taskQueue,
    workflowId: assignmentWorkflowId(v.gemeente, v.toewijzingNummer),
    args: [inputFor(v)],
    signal: toewijzingSignal,
    signalArgs: [v],
  });
  return {
    handle: handle as Handle,
    ids: { workflowId: handle.workflowId, firstRunId: handle.signaledRunId },
  };
}

const today = async (ctx: ScenarioContext) => amsterdamDateOf(await ctx.env.currentTimeMs());

function sentOf(acts: RecordedActivities, type: string, count: number) {
  return eventually(() => {
    const found = acts.sent.filter((s) => s.message.type === type);
    return found.length >= count ? found : undefined;
  }, `${count}× ${type} sent`);
}

/** The Identificatie the recording double gave the n-th (0-based) message of a type. */
function identificatieOf(acts: RecordedActivities, type: string, n: number): string {
  const sent = acts.sent.filter((s) => s.message.type === type)[n];
  if (!sent) throw new Error(`no ${type} #${n} sent`);
  return `ID${String(acts.sent.indexOf(sent) + 1).padStart(4, '0')}`;
}

/**
 * Polls the state query until `ok`, asking only while the latest run is quiet (see `isQuiet`): a query
 * that races a continue-as-new can go unanswered by the time-skipping server and then holds its clock,
 * so a later `result()` never returns. Each query also has a deadline.
 */
async function waitState(
  ctx: ScenarioContext,
  handle: Handle,
  what: string,
  ok: (s: AssignmentState) => boolean,
) {
  const latest = ctx.env.client.workflow.getHandle(handle.workflowId);
  return eventually(async () => {
    if (!isQuiet(await latest.fetchHistory())) return undefined;
    const s = await ctx.env.client.connection
      .withDeadline(Date.now() + 2000, () => latest.query(stateQuery))
      .catch(() => undefined);
    return s && ok(s) ? s : undefined;
  }, what);
}

/**
 * Answers the n-th 305/307 with its 306/308 once the workflow has taken in the Identificatie (before
 * that the retour would not match and be recorded as 'niet-gekoppeld').
 */
async function answer(
  ctx: ScenarioContext,
  handle: Handle,
  heenType: 'WMO305' | 'WMO307',
  n: number,
  retourCodes: string[] = [],
) {
  await sentOf(ctx.acts, heenType, n + 1);
  const heen = identificatieOf(ctx.acts, heenType, n);
  await waitState(ctx, handle, `${heen} sent`, (s) =>
    s.messages.some((m) => m.direction === 'out' && m.identificatie === heen),
  );
  const messageType = heenType === 'WMO305' ? 'WMO306' : 'WMO308';
  await handle.signal(retourSignal, {
    messageId: `rp-${messageType}-${heen}${retourCodes.join('')}`,
    messageType,
    heenIdentificatie: heen,
    retourCodes,
    ontvangen: await today(ctx),
  });
}

function expectThat(ok: boolean, what: string): void {
  if (!ok) throw new Error(`scenario did not go as intended: ${what}`);
}

async function finalState(handle: Handle, status: AssignmentState['status']): Promise<AssignmentState> {
  const final = (await handle.result()) as AssignmentState;
  expectThat(final.status === status, `ended ${final.status}, expected ${status}`);
  return final;
}

const start = (handle: Handle, eventId: string, begindatum: IsoDate) =>
  handle.executeUpdate(startUpdate, { args: [{ eventId, begindatum }] });
const stop = (handle: Handle, eventId: string, einddatum: IsoDate, redenBeeindiging: string) =>
  handle.executeUpdate(stopUpdate, { args: [{ eventId, einddatum, redenBeeindiging }] });

/** The sender's signal for the n-th 305/307, as the poller sends it once the transport took the message. */
async function deliver(ctx: ScenarioContext, handle: Handle, type: 'WMO305' | 'WMO307', n: number) {
  const [sent] = (await sentOf(ctx.acts, type, n + 1)).slice(n);
  if (!sent) throw new Error(`no ${type} #${n} written`);
  await handle.signal(outboxDeliveredSignal, {
    outboxKey: sent.idempotencyKey,
    deliveredAt: new Date(await ctx.env.currentTimeMs()).toISOString(),
  });
}

/** 301 → 302 → 305 → 306 → 307 → 308 without escalation: the happy path, recorded once per patch era. */
function happyPath(nummer: number): HistoryScenario['run'] {
  return async (ctx) => {
    const { handle, ids } = await startAssignment(ctx, toewijzing(nummer, ctx.day0, {}));
    await sentOf(ctx.acts, 'WMO302', 1);
    await start(handle, 'start-1', ctx.day0);
    await answer(ctx, handle, 'WMO305', 0);
    await stop(handle, 'stop-1', ctx.day0, '19');
    await answer(ctx, handle, 'WMO307', 0);
    const final = await finalState(handle, 'gestopt');
    expectThat(final.escalations.length === 0, 'no escalation');
    return ids;
  };
}

/** A toewijzing of a product the seed contract prices (01A01), `days` long, started and its 302 sent. */
async function claimableAssignment(ctx: ScenarioContext, nummer: number, client: number, days: number) {
  const v = toewijzing(nummer, ctx.day0, {
    gemeente: '0384',
    aanbieder: '42420001',
    clientRef: clientRefOf(client),
    product: { categorie: '01', code: '01A01' },
    einddatum: addDays(ctx.day0, days),
  });
  const started = await startAssignment(ctx, v);
  await sentOf(ctx.acts, 'WMO302', 1);
  return started;
}

export const historyScenarios: HistoryScenario[] = [
  {
    name: 'claim-lines',
    covers:
      'patch claim-lines (issue 15): a month of care → its line computed and handed to the batch, rejected (0611) → proposal confirmed → resubmitted, awarded → settlement (iWmo 3.2: no payment term) → payment → the workflow ends',
    async run(ctx) {
      const { handle, ids } = await claimableAssignment(ctx, 4020, 0, 27);
      await start(handle, 'start-1', ctx.day0);
      await answer(ctx, handle, 'WMO305', 0);
      await ctx.env.sleep(11 * day);
      await stop(handle, 'stop-1', await today(ctx), '19');
      await answer(ctx, handle, 'WMO307', 0);
      await ctx.env.sleep(21 * day);
      const offered = await waitState(ctx, handle, 'the line handed over', (s) => !!s.claims?.lines[0]);
      const line = offered.claims?.lines[0];
      if (!line) throw new Error('no line');
      await handle.signal(claimLineOutcomeSignal, {
        referentieNummer: line.referentieNummer,
        batchWorkflowId: line.batchWorkflowId,
        status: 'rejected',
        retourCodes: ['0611'],
      });
      const proposed = await waitState(ctx, handle, 'the proposal', (s) => !!s.claims?.corrections[0]);
      const correctionId = proposed.claims?.corrections[0]?.correctionId as string;
      await handle.executeUpdate(confirmCorrectionUpdate, {
        args: [{ eventId: 'confirm-1', correctionId, besluit: 'bevestigen' }],
      });
      const resubmitted = await waitState(ctx, handle, 'the resubmission', (s) => !!s.claims?.lines[1]);
      const again = resubmitted.claims?.lines[1];
      if (!again) throw new Error('no resubmission');
      await handle.signal(claimLineOutcomeSignal, {
        referentieNummer: again.referentieNummer,
        batchWorkflowId: again.batchWorkflowId,
        status: 'awarded',
        bedrag: again.bedrag,
      });
      await waitState(ctx, handle, 'the settlement', (s) => !!s.claims?.settlement);
      await handle.executeUpdate(recordPaymentUpdate, {
        args: [{ eventId: 'pay-1', betaaldatum: await today(ctx), bedrag: again.bedrag }],
      });
      const final = await finalState(handle, 'gestopt');
      expectThat(final.claims?.settlement?.status === 'betaald', 'paid');
      expectThat(
        ctx.acts.handOvers.length === 2 && ctx.acts.settlements.length === 1,
        'two hand-overs, one settlement',
      );
      return ids;
    },
  },
  {
    name: 'claim-late-start',
    covers:
      'patch claim-late-starts (issue 15): the month ends before any start is reported (computed: geen-start); the start is reported back-dated, its 305 answered → the month is claimed after all, awarded, settled, paid',
    async run(ctx) {
      const { handle, ids } = await claimableAssignment(ctx, 4030, 1, 90);
      await ctx.env.sleep(40 * day);
      await waitState(ctx, handle, 'the months computed without a start', (s) =>
        (s.claims?.findings ?? []).some((f) => f.reason === 'geen-start'),
      );
      // The run that computed the months continued as new: address the latest run.
      const latest = ctx.env.client.workflow.getHandle(handle.workflowId) as Handle;
      await start(latest, 'start-1', ctx.day0);
      await answer(ctx, latest, 'WMO305', 0);
      await stop(latest, 'stop-1', addDays(ctx.day0, 27), '19');
      await answer(ctx, handle, 'WMO307', 0);
      const offered = await waitState(ctx, handle, 'the late lines handed over', (s) => !!s.claims?.lines[0]);
      for (const line of offered.claims?.lines ?? [])
        await latest.signal(claimLineOutcomeSignal, {
          referentieNummer: line.referentieNummer,
          batchWorkflowId: line.batchWorkflowId,
          status: 'awarded',
          bedrag: line.bedrag,
        });
      const settled = await waitState(ctx, latest, 'the settlement', (s) => !!s.claims?.settlement);
      await latest.executeUpdate(recordPaymentUpdate, {
        args: [
          {
            eventId: 'pay-1',
            betaaldatum: await today(ctx),
            bedrag: settled.claims?.settlement?.totaal ?? 0,
          },
        ],
      });
      const final = await finalState(latest, 'gestopt');
      expectThat(final.claims?.settlement?.status === 'betaald', 'paid');
      expectThat(ctx.acts.handOvers.length >= 1, 'the late month handed over');
      return ids;
    },
  },
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
  {
    name: 'claims-batch',
    covers:
      'claims batch (issue 15): three hand-overs (one repeated), one 323 at period end + 3 wd, a mismatching 325 escalated, the matching 325 rejecting one line, outcomes to two assignments and one that is gone',
    async run(ctx) {
      const maand = ctx.day0.slice(0, 7);
      const workflowId = claimsBatchWorkflowId('42420001', '0363', maand);
      const receivers = ['wmo:0363:4101', 'wmo:0363:4102'];
      for (const id of receivers)
        await ctx.env.client.workflow.start('claimOutcomeReceiverWorkflow', {
          taskQueue: ctx.taskQueue,
          workflowId: id,
        });
      const line = (i: number): ClaimLine => ({
        referentieNummer: `RP${maand.replace('-', '')}${4101 + i}`,
        toewijzingNummer: 4101 + i,
        clientRef: clientRefOf(i),
        toewijzingMessageId: `rp-${4101 + i}-301`,
        categorie: '01',
        code: '01A01',
        productPeriode: { begindatum: ctx.day0, einddatum: addDays(ctx.day0, 20) },
        volume: 12,
        eenheid: '04',
        tarief: 6640,
        bedrag: 12 * 6640,
        debetCredit: 'D',
      });
      let firstRunId = '';
      for (const i of [0, 1, 2, 0]) {
        const handle = await ctx.env.client.workflow.signalWithStart('claimsBatchWorkflow', {
          taskQueue: ctx.taskQueue,
          workflowId,
          args: [{ aanbieder: '42420001', gemeente: '0363', maand, profile: profiles.profileFor('0363') }],
          signal: claimLinesSignal,
          signalArgs: [
            {
              assignmentWorkflowId: `wmo:0363:${4101 + i}`,
              handOverKey: `wmo:0363:${4101 + i}:${maand}`,
              lines: [line(i)],
            },
          ],
        });
        firstRunId ||= handle.signaledRunId;
      }
      await ctx.env.sleep(35 * day);
      const [sent] = await eventually(
        () => (ctx.claims.submitted.length ? ctx.claims.submitted : undefined),
        'the 323',
      );
      if (!sent) throw new Error('no 323');
      const handle = ctx.env.client.workflow.getHandle(workflowId);
      const wrong = antwoordOn(sent, new Map(), 'RPA0001');
      if (wrong.DeclaratieAntwoord) wrong.DeclaratieAntwoord.DeclaratieNummer = 'X1';
      const ontvangen = addDays(ctx.day0, 40);
      await handle.signal(antwoordSignal, { inboxMessageId: 'rp-325-wrong', ontvangen, antwoord: wrong });
      await eventually(() => ctx.acts.escalations.length > 0 || undefined, 'the mismatch escalation');
      const rejected = new Map([[line(1).referentieNummer, ['0611']]]);
      await handle.signal(antwoordSignal, {
        inboxMessageId: 'rp-325',
        ontvangen,
        antwoord: antwoordOn(sent, rejected, 'RPA0002'),
      });
      await handle.result();
      if (ctx.acts.escalations.length !== 1)
        throw new Error(`expected one escalation, got ${ctx.acts.escalations.length}`);
      return { workflowId, firstRunId };
    },
  },
  {
    name: 'claims-batch-late-325',
    covers:
      "patch batch-resolve: one hand-over, its 323, no 325 within the term (escalated to the gemeente), the late 325 applied and the escalation resolved ('escalation.resolved')",
    async run(ctx) {
      const maand = ctx.day0.slice(0, 7);
      const workflowId = claimsBatchWorkflowId('42420001', '0363', maand);
      await ctx.env.client.workflow.start('claimOutcomeReceiverWorkflow', {
        taskQueue: ctx.taskQueue,
        workflowId: 'wmo:0363:4201',
      });
      const handle = await ctx.env.client.workflow.signalWithStart('claimsBatchWorkflow', {
        taskQueue: ctx.taskQueue,
        workflowId,
        args: [{ aanbieder: '42420001', gemeente: '0363', maand, profile: profiles.profileFor('0363') }],
        signal: claimLinesSignal,
        signalArgs: [
          {
            assignmentWorkflowId: 'wmo:0363:4201',
            handOverKey: `wmo:0363:4201:${maand}`,
            lines: [
              {
                referentieNummer: `RP${maand.replace('-', '')}4201`,
                toewijzingNummer: 4201,
                clientRef: clientRefOf(0),
                toewijzingMessageId: 'rp-4201-301',
                categorie: '01',
                code: '01A01',
                productPeriode: { begindatum: ctx.day0, einddatum: addDays(ctx.day0, 20) },
                volume: 12,
                eenheid: '04',
                tarief: 6640,
                bedrag: 12 * 6640,
                debetCredit: 'D',
              },
            ],
          },
        ],
      });
      await ctx.env.sleep(35 * day);
      const [sent] = await eventually(
        () => (ctx.claims.submitted.length ? ctx.claims.submitted : undefined),
        'the 323',
      );
      if (!sent) throw new Error('no 323');
      await ctx.env.sleep(40 * day);
      await eventually(() => ctx.acts.escalations.length > 0 || undefined, 'the missing-325 escalation');
      await handle.signal(antwoordSignal, {
        inboxMessageId: 'rp-325-late',
        ontvangen: addDays(ctx.day0, 75),
        antwoord: antwoordOn(sent, new Map(), 'RPA0003'),
      });
      await handle.result();
      if (ctx.acts.escalations[0]?.action !== 'verstuur-325') throw new Error('expected the 325 escalation');
      if (ctx.acts.resolutions.length !== 1)
        throw new Error(`expected one resolution, got ${ctx.acts.resolutions.length}`);
      return { workflowId, firstRunId: handle.signaledRunId };
    },
  },
];

// ---- reading what was recorded ----

// @temporalio/proto is CommonJS: under plain Node ESM only its default export is visible.
const { EventType } = proto.temporal.api.enums.v1;

/** Every run of a workflow from its first, following continue-as-new. */
export async function runHistories(env: TemporalTestEnv, workflowId: string, firstRunId: string) {
  const runs: History[] = [];
  for (let runId: string | undefined = firstRunId; runId; ) {
    const history: History = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
    runs.push(history);
    const last = history.events?.at(-1);
    runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return runs;
}

/**
 * True when the run is closed, or waits with nothing in flight: no workflow task scheduled after the
 * last completed one and no activity without its outcome. A history cut while a task is in flight
 * would replay too, but would change with every recording for no reason.
 */
export function isQuiet(history: History): boolean {
  const events = history.events ?? [];
  const last = events.at(-1);
  if (!last) return false;
  if (isClosing(last.eventType)) return true;
  const open = new Set<string>();
  let taskPending = false;
  for (const e of events) {
    const id = String(e.eventId);
    if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) open.add(id);
    const done =
      e.activityTaskCompletedEventAttributes ??
      e.activityTaskFailedEventAttributes ??
      e.activityTaskTimedOutEventAttributes ??
      e.activityTaskCanceledEventAttributes;
    if (done) open.delete(String(done.scheduledEventId));
    if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED) taskPending = true;
    if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) taskPending = false;
  }
  return !taskPending && open.size === 0;
}

function isClosing(type: proto.temporal.api.enums.v1.EventType | null | undefined): boolean {
  return (
    type === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED ||
    type === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW ||
    type === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED ||
    type === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED ||
    type === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT
  );
}
