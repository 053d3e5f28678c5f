import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { amsterdamDateOf, endOfAmsterdamDay, startOfAmsterdamDay } from '../../calendar/amsterdam';
import {
  antwoordSignal,
  type BatchEscalationActivities,
  batchOutboxDeliveredSignal,
  batchStateQuery,
  type ClaimsBatchActivities,
  type ClaimsBatchInput,
  claimLinesSignal,
  correctionConfirmedUpdate,
} from '../../contract/claims';
import { antwoordProblem, correctionProblem, handOverProblem } from './shapes';
import { ClaimsBatch } from './state';

/*
 * One workflow per (aanbieder, gemeente, calendar month): id declaratie:{aanbieder}:{gemeente}:{YYYY-MM}
 * (contract/claims). Collects the lines the assignments hand over until the submission moment (period
 * end + the profile's collection window, never after the submission term), sends ONE 323 through the
 * outbox, waits for the 325 (its term counted from the delivery to the transport), reconciles it and tells
 * each assignment what became of its lines; then it ends. Handlers change the ClaimsBatch state only; the
 * body does the I/O the state queues.
 *
 * Outcomes go back through an activity (deliverLineOutcomes), not getExternalWorkflowHandle().signal:
 * one activity call per 500 outcomes keeps the history small at 10,000 lines (an external signal costs
 * two events each), and an assignment that is gone is recorded in the batch rows instead of failing a
 * workflow command. Assignments take an outcome twice as once (per ReferentieNummer).
 */

const claims = proxyActivities<ClaimsBatchActivities>({
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '2 seconds',
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: ['DatabaseRefused'],
  },
});
const escalation = proxyActivities<BatchEscalationActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 hour', maximumAttempts: 100 },
});

const outcomesPerCall = 500;
const maxHistoryEvents = 20_000;

export async function claimsBatchWorkflow(input: ClaimsBatchInput): Promise<void> {
  const b = new ClaimsBatch(input, workflowInfo().workflowId);
  const today = () => amsterdamDateOf(Date.now());

  setHandler(claimLinesSignal, (h) => {
    const problem = handOverProblem(h);
    if (problem) return void log.warn('claimLines hand-over refused', { problem });
    const r = b.handOver(h);
    if (r.kind === 'returned') log.info('claim lines handed back', { rule: r.rule, reason: r.reason });
  });
  setHandler(
    correctionConfirmedUpdate,
    (c) => {
      const r = b.confirmCorrection(c.correctionId, c.assignmentWorkflowId, c.lines);
      return r.kind === 'returned'
        ? { accepted: false, rule: r.rule, message: r.reason }
        : { accepted: true, lines: r.kind === 'added' ? r.lines : 0 };
    },
    {
      validator: (c) => {
        const problem = correctionProblem(c);
        if (problem) throw new Error(problem);
      },
    },
  );
  setHandler(antwoordSignal, (a) => {
    const problem = antwoordProblem(a);
    if (problem) return void log.warn('325 refused', { problem });
    const r = b.receiveAntwoord(a);
    if (r === 'mismatch') log.warn('325 does not match its 323: kept, not applied');
  });
  setHandler(batchOutboxDeliveredSignal, (d) => {
    if (typeof d?.outboxKey === 'string' && typeof d.deliveredAt === 'string')
      b.delivered(d.outboxKey, d.deliveredAt);
  });
  setHandler(batchStateQuery, () => b.view());

  const doIo = async () => {
    await escalateDue(b, today());
    while (b.queuedRecords.length) {
      const n = b.queuedRecords.length;
      for (const r of b.queuedRecords.slice(0, n)) await claims.recordAntwoord(r);
      b.recorded(n);
    }
    while (b.queuedOutcomes.length) {
      const chunk = b.queuedOutcomes.slice(0, outcomesPerCall);
      const r = await claims.deliverLineOutcomes({ batchWorkflowId: b.workflowId, outcomes: [...chunk] });
      if (r.undeliverable.length)
        log.warn('claim outcomes for assignments that are gone', { count: r.undeliverable.length });
      b.outcomesHandedBack(chunk.length);
    }
  };

  // ---- collect until the submission moment ----
  if (b.status === 'verzamelen') {
    const submitAt = startOfAmsterdamDay(b.submitOn).getTime();
    while (Date.now() < submitAt) {
      await condition(() => b.hasWork || historyTooLong(), submitAt - Date.now());
      await doIo();
      if (historyTooLong()) {
        await condition(allHandlersFinished);
        return continueAsNew<typeof claimsBatchWorkflow>({ ...input, carried: b.carry() });
      }
    }
    const built = b.assemble(today());
    if (!built.ok) b.refuse(built.findings);
    else b.submitted(built.input, await claims.submitDeclaratie(built.input));
  }

  // ---- wait for the 325, reconcile, hand outcomes back ----
  while (!b.finished) {
    await doIo();
    if (b.finished) break;
    const due = b.status === 'ingediend' ? b.answerDue : undefined;
    const wake =
      due && !b.view().escalated.includes(`${b.workflowId}:verstuur-325`)
        ? endOfAmsterdamDay(due).getTime()
        : undefined;
    const changed = () => b.hasWork || b.toEscalate(today()).length > 0 || b.finished;
    if (wake === undefined) await condition(changed);
    else if (wake > Date.now()) await condition(changed, wake - Date.now());
  }
  b.markFinished();
  await condition(allHandlersFinished);
}

async function escalateDue(b: ClaimsBatch, today: string): Promise<void> {
  for (const e of b.toEscalate(today)) {
    b.escalated(e.idempotencyKey);
    try {
      await escalation.escalate(e);
    } catch {
      // The activity had its attempts; the batch goes on (the escalation row shows what was not delivered).
      log.warn('batch escalation not delivered', { action: e.action });
    }
  }
}

function historyTooLong(): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > maxHistoryEvents;
}
