import { addDays } from '../../calendar/iso-date';
import { confirmCorrectionUpdate, recordPaymentUpdate } from '../../contract/assignment';
import {
  antwoordSignal,
  type ClaimLine,
  claimLineOutcomeSignal,
  claimLinesSignal,
  claimsBatchWorkflowId,
} from '../../contract/claims';
import { eventually, profiles } from './assignment';
import { antwoordOn, clientRefOf } from './claims-batch';
import {
  answer,
  claimableAssignment,
  day,
  expectThat,
  finalState,
  type Handle,
  type HistoryScenario,
  start,
  stop,
  today,
  waitState,
} from './history-steps';

/*
 * The recorded scenarios of the money: an assignment's claim lines (a month claimed, a late start) and a
 * claims batch (a 323 answered, a 325 that came late). Part of historyScenarios (history-scenarios.ts).
 */

export const claimLineScenarios: HistoryScenario[] = [
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
];

export const claimsBatchScenarios: HistoryScenario[] = [
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
