import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { amsterdamDateOf, endOfAmsterdamDay, startOfAmsterdamDay } from '../../calendar/amsterdam';
import {
  type AntwoordReceived,
  antwoordSignal,
  type BatchEscalationActivities,
  type BatchOutboxDelivered,
  batchOutboxDeliveredSignal,
  batchStateQuery,
  batchSummaryQuery,
  type ClaimsBatchActivities,
  type ClaimsBatchInput,
  type CorrectionConfirmed,
  claimLinesSignal,
  correctionConfirmedUpdate,
  type StashRef,
  type SubmitDeclaratieInput,
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

/*
 * Temporal refuses a payload over 2 MB (and warns over 512 KB). The carry over continue-as-new and the
 * 323's lines take ~475 and ~405 bytes a line, so above ~1,000 lines (inlineLimit) they go to the
 * database in parts (stashPart, patch 'batch-stash') and the payload names the stash. A batch that never
 * gets that large issues exactly the commands it did before the patch.
 */
const inlineLimit = 512 * 1024;
const stashPartChars = 256 * 1024;

export async function claimsBatchWorkflow(input: ClaimsBatchInput): Promise<void> {
  const carried = isStashed(input.carried) ? JSON.parse(await unstash(input.carried.stash)) : input.carried;
  const b = new ClaimsBatch({ ...input, carried }, workflowInfo().workflowId);
  // What reached the previous run while its state was being stashed, applied in the order it came.
  if (isStashed(input.carried)) for (const j of input.carried.journal ?? []) apply(b, j);
  const today = () => amsterdamDateOf(Date.now());
  /** Set while a large carry is stashed: what the handlers took meanwhile (see `carry`). */
  let journal: Journal | undefined;

  setHandler(claimLinesSignal, (h) => {
    journal?.push({ kind: 'handOver', arg: h });
    const problem = handOverProblem(h);
    if (problem) return void log.warn('claimLines hand-over refused', { problem });
    const r = b.handOver(h);
    if (r.kind === 'returned') log.info('claim lines handed back', { rule: r.rule, reason: r.reason });
  });
  setHandler(
    correctionConfirmedUpdate,
    (c) => {
      journal?.push({ kind: 'correction', arg: c });
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
    journal?.push({ kind: 'antwoord', arg: a });
    const problem = antwoordProblem(a);
    if (problem) return void log.warn('325 refused', { problem });
    const r = b.receiveAntwoord(a);
    if (r === 'mismatch') log.warn('325 does not match its 323: kept, not applied');
  });
  setHandler(batchOutboxDeliveredSignal, (d) => {
    journal?.push({ kind: 'delivered', arg: d });
    if (typeof d?.outboxKey === 'string' && typeof d.deliveredAt === 'string')
      b.delivered(d.outboxKey, d.deliveredAt);
  });
  setHandler(batchStateQuery, () => b.view());
  setHandler(batchSummaryQuery, () => {
    const { lines, ...rest } = b.view();
    return { ...rest, lineCount: lines.length };
  });

  /**
   * What continue-as-new carries: the state itself, or (large) where it was stashed plus the journal of
   * what reached the handlers while the parts were written (signals keep coming during a long stash).
   */
  const carry = async (): Promise<unknown> => {
    const text = JSON.stringify(b.carry());
    if (text.length <= inlineLimit || !patched('batch-stash')) return b.carry();
    for (let attempt = 0; ; attempt++) {
      journal = [];
      const stashed = await stash(`${b.workflowId}:carry:${workflowInfo().runId}:${attempt}`, b.carry());
      await condition(allHandlersFinished);
      if (JSON.stringify(journal).length <= inlineLimit)
        return { v: 2, stash: stashed, journal } satisfies Stashed;
    }
  };

  const doIo = async () => {
    await escalateDue(b, today());
    await resolveDue(b);
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
      await condition(() => b.hasWork || historyTooLong(input), submitAt - Date.now());
      await doIo();
      if (historyTooLong(input)) {
        await condition(allHandlersFinished);
        return continueAsNew<typeof claimsBatchWorkflow>({ ...input, carried: await carry() });
      }
    }
    const built = b.assemble(today());
    if (!built.ok) b.refuse(built.findings);
    else b.submitted(built.input, await claims.submitDeclaratie(await submittable(built.input)));
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

/** A late 325 after its escalation: resolve it, as an assignment does (patch 'batch-resolve'). */
async function resolveDue(b: ClaimsBatch): Promise<void> {
  const r = b.toResolve();
  if (!r || !patched('batch-resolve')) return;
  b.resolved(r.idempotencyKey);
  try {
    await escalation.resolveEscalation(r);
  } catch {
    log.warn('batch escalation resolution not delivered', { action: r.action });
  }
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

type Journal = (
  | { kind: 'handOver'; arg: Parameters<ClaimsBatch['handOver']>[0] }
  | { kind: 'correction'; arg: CorrectionConfirmed }
  | { kind: 'antwoord'; arg: AntwoordReceived }
  | { kind: 'delivered'; arg: BatchOutboxDelivered }
)[];

interface Stashed {
  v: 2;
  stash: StashRef;
  journal?: Journal;
}

/** A journalled handler call, as the handler does it (checks included, no log). */
function apply(b: ClaimsBatch, j: Journal[number]): void {
  if (j.kind === 'handOver') {
    if (!handOverProblem(j.arg)) b.handOver(j.arg);
  } else if (j.kind === 'correction') {
    if (!correctionProblem(j.arg))
      b.confirmCorrection(j.arg.correctionId, j.arg.assignmentWorkflowId, j.arg.lines);
  } else if (j.kind === 'antwoord') {
    if (!antwoordProblem(j.arg)) b.receiveAntwoord(j.arg);
  } else if (typeof j.arg?.outboxKey === 'string' && typeof j.arg.deliveredAt === 'string')
    b.delivered(j.arg.outboxKey, j.arg.deliveredAt);
}

function isStashed(c: unknown): c is Stashed {
  return typeof c === 'object' && c !== null && (c as Stashed).v === 2;
}

/** The 323's input, its lines stashed when they are too large for one payload. */
async function submittable(input: SubmitDeclaratieInput): Promise<SubmitDeclaratieInput> {
  const lines = JSON.stringify(input.lines);
  if (lines.length <= inlineLimit || !patched('batch-stash')) return input;
  return { ...input, lines: [], stashedLines: await stash(`${input.idempotencyKey}:lines`, input.lines) };
}

/** `value` as JSON in parts: taken now, so a handler changing it later does not change what is written. */
async function stash(key: string, value: unknown): Promise<StashRef> {
  const text = JSON.stringify(value);
  const bodies: string[] = [];
  for (let i = 0; i < text.length; ) {
    let end = Math.min(text.length, i + stashPartChars);
    // Never cut a surrogate pair: a lone half cannot be written to PostgreSQL.
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    bodies.push(text.slice(i, end));
    i = end;
  }
  // One part per workflow task: a task's commands (or results) over 4 MB fail as one gRPC message.
  for (const [part, body] of bodies.entries()) await claims.stashPart({ key, part, body });
  return { key, parts: bodies.length };
}

async function unstash(ref: StashRef): Promise<string> {
  const parts: string[] = [];
  for (let part = 0; part < ref.parts; part++) parts.push(await claims.stashedPart({ key: ref.key, part }));
  return parts.join('');
}

function historyTooLong(input: ClaimsBatchInput): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > (input.maxHistoryEvents ?? maxHistoryEvents);
}
