import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  TimeoutFailure,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { endOfAmsterdamDay } from '../../calendar/amsterdam';
import type {
  AssignmentActivities,
  AssignmentClaimActivities,
  DeadlineState,
  EscalationInput,
} from '../../contract/assignment';
import {
  type AssignmentInput,
  type AssignmentState,
  confirmCorrectionUpdate,
  correctionUpdate,
  eventRefusedType,
  outboxDeliveredSignal,
  type RefusalDetails,
  recordPaymentUpdate,
  refusalClass,
  retourSignal,
  reviseAwardedLineUpdate,
  startUpdate,
  stateQuery,
  stopUpdate,
  toewijzingSignal,
} from '../../contract/assignment';
import { claimLineOutcomeSignal } from '../../contract/claims';
import {
  WmoAanbieder,
  WmoClientRef,
  WmoGemeente,
  WmoIoFailing,
  WmoNextDeadline,
  WmoOverdue,
  WmoStatus,
} from '../../contract/search-attributes';
import { type ClaimShapes, claimShapeProblem } from './claim-shapes';
import { ClaimRefusal } from './claims';
import { type ShapeOf, shapeProblem } from './event-shapes';
import { refuse } from './refusal';
import { unsafeTextIn } from './safe-text';
import { Assignment, type AssignmentSummary, type OwedMessage } from './state';

/*
 * One workflow per toewijzing (id wmo:{gemeente}:{toewijzingNummer}). Handlers first, each one call on
 * the Assignment state object; the main body only waits: for a handler to change something, or for the
 * next due moment (a deadline's last day, the toewijzing's end, a billing period's end). Then it does
 * the I/O the state asks for: send owed messages, escalate missed deadlines, hand periods to claims,
 * refresh the read model and search attributes — and continues as new at a billing-period boundary.
 */

const messaging = proxyActivities<Pick<AssignmentActivities, 'sendMessage'>>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '2 seconds',
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: ['MessageRefused'],
  },
});
const readModel = proxyActivities<Pick<AssignmentActivities, 'recordAssignment' | 'openClaimPeriod'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
/*
 * Behind 'io-failing' (workflows/assignment/io.ts): a few attempts per call (about a minute), then the
 * call ends, the state says the I/O is failing, and the workflow tries again later on its own timer.
 */
const boundedMessaging = proxyActivities<Pick<AssignmentActivities, 'sendMessage'>>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '2 seconds',
    maximumInterval: '30 seconds',
    maximumAttempts: 6,
    nonRetryableErrorTypes: ['MessageRefused'],
  },
});
const boundedReadModel = proxyActivities<Pick<AssignmentActivities, 'recordAssignment' | 'openClaimPeriod'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 6 },
});
/*
 * Behind 'local-read-model' (issue 17): the read model's row is one small upsert, written as a local
 * activity inside the workflow task that changed it instead of as an activity task of its own. That is
 * one matching round trip, three history events and usually one workflow task less per write — on the
 * 301 → 302 path, per toewijzing. Same bounded attempts as boundedReadModel; a failure is tracked alike.
 */
const localReadModel = proxyLocalActivities<Pick<AssignmentActivities, 'recordAssignment'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 6 },
});
/*
 * Behind 'local-send' (issue 17): the owed message written as a local activity, inside the workflow task
 * that made it owed. On the 301 → 302 path that is the whole toewijzing in one workflow task (the 302 and
 * the read-model row as two markers) instead of two tasks and an activity task with its matching round
 * trip and three history events. Same bounded attempts as boundedMessaging (about a minute).
 */
const localMessaging = proxyLocalActivities<Pick<AssignmentActivities, 'sendMessage'>>({
  startToCloseTimeout: '1 minute',
  // Every retry waits on a server timer, not in the worker: the task is not held through an outage.
  localRetryThreshold: '1 second',
  retry: {
    initialInterval: '2 seconds',
    maximumInterval: '30 seconds',
    maximumAttempts: 6,
    nonRetryableErrorTypes: ['MessageRefused'],
  },
});
/** Claims I/O (behind 'claim-lines'): retried until it succeeds, like the read model of unpatched runs. */
const claimIo = proxyActivities<AssignmentClaimActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes' },
});
const resolution = proxyActivities<Pick<AssignmentActivities, 'resolveEscalation'>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '1 hour', maximumAttempts: 30 },
});

/** Patches (docs/assignment-workflow.md): each new behaviour of issue 13, so older histories replay. */
const patches = {
  ioFailing: 'io-failing',
  safeText: 'safe-text',
  deliveryDeadlines: 'delivery-deadlines',
  escalationResolved: 'escalation-resolved',
  claimLines: 'claim-lines',
  localReadModel: 'local-read-model',
  claimLateStarts: 'claim-late-starts',
  localSend: 'local-send',
} as const;
/*
 * One marker for all of the above in a new run. Each patched() call adds a marker and an upsert of
 * TemporalChangeVersion to history (a visibility write on the server): eight of each in the first task of
 * every new assignment. A run that has this marker has every patch before it; a history without it (every
 * run started before it) replays through the single ids as before, since patched() is false there.
 */
const allPatches = 'lifecycle-2026-12';
export interface Patches {
  ioFailing: boolean;
  safeText: boolean;
  deliveryDeadlines: boolean;
  escalationResolved: boolean;
  /** Issue 15: claim lines, outcomes, corrections, settlement and payment (workflows/assignment/claims.ts). */
  claimLines: boolean;
  /** Issue 17: the read model written by a local activity (`localReadModel`). */
  localReadModel: boolean;
  /** A month computed before a start was reported is claimed once one is (Claims.computeAwaiting). */
  claimLateStarts: boolean;
  /** Issue 17: owed messages written by a local activity (`localMessaging`). */
  localSend: boolean;
}
// Webhook receivers can be down for a while: retry for about a day, without holding up the lifecycle.
const escalation = proxyActivities<Pick<AssignmentActivities, 'escalate'>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '1 hour', maximumAttempts: 30 },
});

/** History size at which a run hands over to a new one even between billing periods. */
const maxHistoryEvents = 1500;

/** Which patches this run has: all of them under the one marker, else each by its own (older runs). */
function patchesOfRun(): Patches {
  if (patched(allPatches)) {
    const all = {} as Record<keyof Patches, boolean>;
    for (const key of Object.keys(patches) as Array<keyof Patches>) all[key] = true;
    return all;
  }
  return {
    ioFailing: patched(patches.ioFailing),
    safeText: patched(patches.safeText),
    deliveryDeadlines: patched(patches.deliveryDeadlines),
    escalationResolved: patched(patches.escalationResolved),
    claimLines: patched(patches.claimLines),
    localReadModel: patched(patches.localReadModel),
    claimLateStarts: patched(patches.claimLateStarts),
    localSend: patched(patches.localSend),
  };
}

export async function assignmentWorkflow(input: AssignmentInput): Promise<AssignmentState> {
  const p = patchesOfRun();
  const a = new Assignment(input, p.deliveryDeadlines, p.claimLines, p.claimLateStarts);
  let changes = 0;
  const changed = <T>(result: T): T => {
    changes++;
    return result;
  };
  const escalations = new Set<Promise<void>>();
  /** Escalations still being delivered, by deadline: a resolution waits for its escalation's row. */
  const escalating = new Map<string, Promise<void>>();

  setHandler(stateQuery, () => a.view(Date.now()));
  setHandler(toewijzingSignal, (v) => {
    // Bad data from a caller is recorded in the log by its keys only and dropped: the workflow never fails on it.
    if (shapeProblem.toewijzing(v))
      return void log.warn('toewijzing signal refused: not a ToewijzingVersion');
    if (p.safeText && unsafeTextIn(v))
      return void log.warn('toewijzing signal refused', { rule: 'Tekst', problem: unsafeTextIn(v) });
    changed(a.receiveVersion(v, Date.now()));
  });
  setHandler(retourSignal, (r) => {
    if (shapeProblem.retour(r)) return void log.warn('retour signal refused: not a RetourReceived');
    if (p.safeText && unsafeTextIn(r))
      return void log.warn('retour signal refused', { rule: 'Tekst', problem: unsafeTextIn(r) });
    changed(a.receiveRetour(r, Date.now()));
  });
  setHandler(outboxDeliveredSignal, (d) => {
    const problem = shapeProblem.outboxDelivered(d) ?? unsafeTextIn(d);
    if (problem) return void log.warn('outboxDelivered signal refused', { problem });
    changed(a.delivered(d, Date.now()));
  });
  // Text is checked in the validator, always: a refused update never enters history, so replay is unaffected.
  setHandler(startUpdate, (e) => changed(a.start(e, Date.now())), {
    validator: (e) => a.validateStart(parsed('start', e), Date.now()),
  });
  setHandler(stopUpdate, (e) => changed(a.stop(e, Date.now())), {
    validator: (e) => a.validateStop(parsed('stop', e), Date.now()),
  });
  setHandler(correctionUpdate, (e) => changed(a.correct(e, Date.now())), {
    validator: (e) => a.validateCorrection(parsed('correction', e), Date.now()),
  });

  setHandler(claimLineOutcomeSignal, (o) => {
    const problem = claimShapeProblem.outcome(o) ?? unsafeTextIn(o);
    if (problem) return void log.warn('claimLineOutcome signal refused', { problem });
    const claims = a.claims();
    if (!claims) return void log.warn('claimLineOutcome signal ignored: this run claims no lines');
    if (claims.outcome(a.claimsHost(), o, a.today(Date.now()))) changed(undefined);
  });
  setHandler(
    confirmCorrectionUpdate,
    (e) => changed(claimsOf(a).confirm(a.claimsHost(), e, a.today(Date.now()))),
    { validator: (e) => claimCheck(() => claimsOf(a).validateConfirm(claimParsed('confirm', e))) },
  );
  setHandler(reviseAwardedLineUpdate, (e) => changed(claimsOf(a).revise(a.claimsHost(), e)), {
    validator: (e) => claimCheck(() => claimsOf(a).validateRevise(a.claimsHost(), claimParsed('revise', e))),
  });
  setHandler(recordPaymentUpdate, (e) => changed(claimsOf(a).pay(e, a.today(Date.now()))), {
    validator: (e) =>
      claimCheck(() => claimsOf(a).validatePayment(claimParsed('payment', e), a.today(Date.now()))),
  });

  a.init(workflowInfo().workflowId, Date.now());
  let periodBoundary = false;
  let published = '';
  const shown = { attributes: '', row: '' };

  for (;;) {
    const seen = changes;
    a.onDayPassed(Date.now());
    await sendOwed(a, p.ioFailing, p.localSend);
    startEscalations(a, escalations, () => changed(undefined), p.ioFailing, escalating);
    if (p.escalationResolved)
      startResolutions(a, escalations, () => changed(undefined), p.ioFailing, escalating);
    periodBoundary = (await handClaimPeriods(a, p.ioFailing)) || periodBoundary;
    if (p.claimLines) await handClaims(a);
    a.refresh(Date.now());
    if (p.ioFailing) await publishTracked(a, shown, p.localReadModel ? localReadModel : boundedReadModel);
    else published = await publish(a, published);

    if (a.finished() && escalations.size === 0 && changes === seen) break;
    if ((periodBoundary || historyTooLong()) && changes === seen && a.canContinueAsNew()) {
      await Promise.all(escalations);
      await condition(allHandlersFinished);
      if (changes === seen) {
        // Our own keys travel along: Temporal de-duplicates update ids within one run only.
        return continueAsNew<typeof assignmentWorkflow>(a.carry());
      }
    }
    const wake = earliest(a.nextWake(Date.now()), p.ioFailing ? a.ioRetryAt() : undefined);
    const until = () =>
      changes !== seen || (a.owedMessages().length > 0 && !(p.ioFailing && a.ioWaiting(Date.now())));
    if (wake === undefined) await condition(until);
    else if (wake > Date.now()) await condition(until, wake - Date.now());
  }
  await Promise.all(escalations);
  await condition(allHandlersFinished);
  return a.view(Date.now());
}

/** Checks an update's argument against its shape; a malformed event is refused like any other, by its rule. */
function parsed<K extends 'start' | 'stop' | 'correction'>(kind: K, value: unknown): ShapeOf[K] {
  const problem = shapeProblem[kind](value);
  if (problem !== undefined)
    throw ApplicationFailure.create({
      type: eventRefusedType,
      message: `Schema: ${problem}`,
      details: [
        { rule: 'Schema', retourCode: '0001', class: refusalClass('Schema') } satisfies RefusalDetails,
      ],
      nonRetryable: true,
    });
  // A NUL or lone surrogate in any text would make every write of the event fail for ever (issue 13).
  const unsafe = unsafeTextIn(value);
  if (unsafe) refuse('Tekst', unsafe);
  return value as ShapeOf[K];
}

/** The claims ledger of a run that claims lines; an update on an older run is refused by its rule. */
function claimsOf(a: Assignment) {
  const claims = a.claims();
  if (!claims) throw new ClaimRefusal('claims-niet-actief', 'this run of the assignment claims no lines');
  return claims;
}

/** Runs a claims validator: a ClaimRefusal becomes the EventRefused failure naming its rule. */
function claimCheck(check: () => void): void {
  try {
    check();
  } catch (err) {
    if (!(err instanceof ClaimRefusal)) throw err;
    throw ApplicationFailure.create({
      type: eventRefusedType,
      message: err.message,
      details: [{ rule: err.rule, retourCode: '', class: refusalClass(err.rule) } satisfies RefusalDetails],
      nonRetryable: true,
    });
  }
}

/** Checks a claims update's argument against its shape (refused by rule 'Schema', like the events). */
function claimParsed<K extends keyof ClaimShapes>(kind: K, value: unknown): ClaimShapes[K] {
  const problem = claimShapeProblem[kind](value) ?? unsafeTextIn(value);
  if (problem !== undefined) throw new ClaimRefusal('Schema', problem);
  return value as ClaimShapes[K];
}

/** The failure's type: the ApplicationFailure's type, or the kind of failure (TimeoutFailure, …). */
function failureType(err: ActivityFailure): string {
  const cause = err.cause;
  if (cause instanceof ApplicationFailure) return cause.type ?? 'Error';
  return cause?.name ?? 'ActivityFailure';
}

interface IoFailure {
  activity: string;
  errorType: string;
  permanent: boolean;
}

/**
 * What a failed I/O call says, or undefined when the error is not an I/O failure (rethrown: a bug fails
 * the task, which is retried). An activity's failure arrives as an ActivityFailure around its cause; a
 * local activity's (local-send, local-read-model) as the cause itself, so a failure that gave up on its
 * own (nonRetryable) is permanent and one that ran out of attempts is not, as with retryState.
 */
function ioFailureOf(err: unknown, activity: string): IoFailure | undefined {
  if (err instanceof ActivityFailure)
    return { activity, errorType: failureType(err), permanent: err.retryState === 'NON_RETRYABLE_FAILURE' };
  if (err instanceof ApplicationFailure)
    return { activity, errorType: err.type ?? 'Error', permanent: err.nonRetryable === true };
  if (err instanceof TimeoutFailure) return { activity, errorType: 'TimeoutFailure', permanent: false };
  return undefined;
}

/** The message of a refused call's cause, whichever way it arrived (see ioFailureOf). */
function causeMessage(err: unknown, fallback: string): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? cause.message : fallback;
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : Math.min(a, b);
}

async function sendOwed(a: Assignment, tracked: boolean, local: boolean): Promise<void> {
  const sender = !tracked ? messaging : local ? localMessaging : boundedMessaging;
  while (a.owedMessages().length > 0 && !(tracked && a.ioWaiting(Date.now()))) {
    const owed = a.owedMessages()[0] as OwedMessage;
    try {
      const result = await sender.sendMessage({
        idempotencyKey: owed.key,
        workflowId: a.workflowId(),
        dagtekening: a.today(Date.now()),
        message: owed.message,
      });
      a.sent(owed, result, Date.now());
      if (tracked) a.ioSucceeded('sendMessage');
    } catch (err) {
      const failure = ioFailureOf(err, 'sendMessage');
      if (!failure) throw err;
      if (tracked && failure.errorType !== 'MessageRefused') {
        // The I/O failed, not the standard: say so; a message that can never be written is set aside.
        log.warn('message not written', { key: owed.key, errorType: failure.errorType });
        a.ioFailed(failure, Date.now());
        if (failure.permanent) a.setAside(owed, failure.errorType, Date.now());
        continue;
      }
      // The standard refused what we would send: visible in state and log, the deadline stays open.
      const reason = causeMessage(err, 'send failed');
      log.warn('message not sent', { key: owed.key, reason });
      a.sendRefused(owed, reason, Date.now());
    }
  }
}

/** What an escalation and its later resolution say about one deadline: the same key, parties and rule. */
function escalationOf(a: Assignment, d: DeadlineState, lateWorkingDays: number): EscalationInput {
  const t = a.toewijzing();
  return {
    idempotencyKey: `${a.workflowId()}:${d.id}`,
    workflowId: a.workflowId(),
    gemeente: t.gemeente,
    aanbieder: t.aanbieder,
    toewijzingNummer: t.toewijzingNummer,
    action: d.action,
    rule: d.rule,
    owner: d.owner,
    dueDate: d.due,
    lateWorkingDays,
    recipients: [...a.profile.escalation[d.owner]],
  };
}

/** Escalates each missed deadline once, in the background: a slow receiver never holds up the lifecycle. */
function startEscalations(
  a: Assignment,
  inFlight: Set<Promise<void>>,
  settled: () => void,
  tracked: boolean,
  byDeadline: Map<string, Promise<void>>,
): void {
  const now = Date.now();
  for (const d of a.toEscalate(now)) {
    a.escalated(d, now);
    const run = escalation
      .escalate(escalationOf(a, d, a.lateness(d.due, now)))
      .then(
        () => {
          if (tracked) a.ioSucceeded('escalate');
        },
        (err: unknown) => {
          log.warn('escalation not delivered', { deadline: d.id });
          // Not retried by the workflow (the activity had a day of attempts): failing until one succeeds.
          const failure = ioFailureOf(err, 'escalate');
          if (tracked && failure) a.ioFailed({ ...failure, permanent: true }, Date.now());
        },
      )
      .finally(() => {
        inFlight.delete(run);
        byDeadline.delete(d.id);
        settled();
      });
    inFlight.add(run);
    byDeadline.set(d.id, run);
  }
}

/**
 * Tells the recipients of an escalation that its deadline was met after all ('resolved' webhook), once
 * per deadline, in the background like the escalation itself.
 */
function startResolutions(
  a: Assignment,
  inFlight: Set<Promise<void>>,
  settled: () => void,
  tracked: boolean,
  escalating: Map<string, Promise<void>>,
): void {
  for (const d of a.resolve()) {
    const run = (escalating.get(d.id) ?? Promise.resolve())
      .then(() =>
        resolution.resolveEscalation({
          ...escalationOf(a, d, d.lateWorkingDays ?? 0),
          metOn: d.closedOn ?? a.today(Date.now()),
        }),
      )
      .then(
        () => {
          if (tracked) a.ioSucceeded('resolveEscalation');
        },
        (err: unknown) => {
          log.warn('escalation resolution not delivered', { deadline: d.id });
          const failure = ioFailureOf(err, 'resolveEscalation');
          if (tracked && failure) a.ioFailed({ ...failure, permanent: true }, Date.now());
        },
      )
      .finally(() => {
        inFlight.delete(run);
        settled();
      });
    inFlight.add(run);
  }
}

/** Hands every ended billing period with care to the claims hook; true when one was handed over. */
async function handClaimPeriods(a: Assignment, tracked: boolean): Promise<boolean> {
  let handed = false;
  for (
    let p = a.nextClaimPeriod();
    p && endOfAmsterdamDay(p.end).getTime() < Date.now() && !(tracked && a.ioWaiting(Date.now()));
    p = a.nextClaimPeriod()
  ) {
    const t = a.toewijzing();
    const claim = {
      workflowId: a.workflowId(),
      gemeente: t.gemeente,
      aanbieder: t.aanbieder,
      toewijzingNummer: t.toewijzingNummer,
      calendar: p.calendar,
      start: p.start,
      end: p.end,
    };
    if (!tracked) await readModel.openClaimPeriod(claim);
    else {
      try {
        await boundedReadModel.openClaimPeriod(claim);
        a.ioSucceeded('openClaimPeriod');
      } catch (err) {
        const failure = ioFailureOf(err, 'openClaimPeriod');
        if (!failure) throw err;
        a.ioFailed(failure, Date.now());
        // Tried again after the pause, also when the failure was final: the period must reach claims.
        if (a.ioRetryAt() === undefined) a.retryIoLater(Date.now());
        break;
      }
    }
    a.claimed(p);
    handed = true;
  }
  return handed;
}

/**
 * Behind 'claim-lines': computes the lines of every month whose amounts became final (the contract read
 * by `contractFor`), hands queued lines to their batches, records the settlement once every line is
 * final and the payments that came in. Each call is keyed, so a retry after a crash repeats nothing.
 */
async function handClaims(a: Assignment): Promise<void> {
  const claims = a.claims();
  if (!claims) return;
  const t = a.toewijzing();
  const parties = { aanbieder: t.aanbieder, gemeente: t.gemeente };
  const today = a.today(Date.now());
  if (claims.monthsDue(a.claimsHost(), today).length > 0 || claims.awaitingDue(a.claimsHost())) {
    const contract = await claimIo.contractFor(parties);
    claims.computeMonths(a.claimsHost(), contract, today);
    claims.computeAwaiting(a.claimsHost(), contract, today);
  }
  for (const h of [...claims.w.pending]) {
    try {
      await claimIo.handOverClaimLines({
        ...parties,
        maand: h.maand,
        profile: a.profile,
        handOver: { assignmentWorkflowId: a.workflowId(), handOverKey: h.key, lines: h.lines },
      });
      claims.handedOver(h.key);
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      // Only non-retryable failures end here (BatchClosed, HandOverRefused): a later batch, or a person.
      const reason = err.cause instanceof ApplicationFailure ? err.cause.message : 'hand-over failed';
      log.warn('claim lines not handed over', { key: h.key, errorType: failureType(err) });
      claims.handOverFailed(a.claimsHost(), h.key, failureType(err), reason, today);
    }
  }
  claims.settleIfDue(a.claimsHost(), today);
  const settlement = claims.pub.settlement;
  if (claims.w.settlementOwed && settlement) {
    const { payments: _p, status: _s, ...recorded } = settlement;
    await claimIo.recordSettlement({
      workflowId: a.workflowId(),
      ...parties,
      toewijzingNummer: t.toewijzingNummer,
      settlement: recorded,
    });
    claims.w.settlementOwed = false;
  }
  while (claims.w.paymentsOwed.length > 0) {
    const payment = claims.w.paymentsOwed[0] as (typeof claims.w.paymentsOwed)[number];
    await claimIo.recordPayment({ workflowId: a.workflowId(), ...parties, payment });
    claims.w.paymentsOwed.shift();
  }
  a.claimsDayPassed(Date.now());
}

/** Writes the read model and search attributes when what they show changed. */
async function publish(a: Assignment, before: string): Promise<string> {
  const row = a.projection();
  const { revision: _, ...shown } = row;
  const now = JSON.stringify(shown);
  if (now === before) return before;
  const { ioFailing: _io, ...summary } = a.summary();
  upsertAttributes(summary);
  const revision = a.nextRevision();
  await readModel.recordAssignment({ ...row, revision });
  return now;
}

function upsertAttributes(summary: AssignmentSummary): void {
  upsertSearchAttributes([
    { key: WmoGemeente, value: summary.gemeente },
    { key: WmoAanbieder, value: summary.aanbieder },
    { key: WmoClientRef, value: summary.clientRef },
    { key: WmoStatus, value: summary.status },
    { key: WmoOverdue, value: summary.overdue },
    { key: WmoNextDeadline, value: summary.nextDeadline ? endOfAmsterdamDay(summary.nextDeadline) : null },
    ...(summary.ioFailing === undefined ? [] : [{ key: WmoIoFailing, value: summary.ioFailing }]),
  ]);
}

/**
 * Publish behind 'io-failing': search attributes when what they show changed, the read model when the
 * row changed and the I/O is not pausing; a failed write shows at once in WmoIoFailing.
 */
async function publishTracked(
  a: Assignment,
  shown: { attributes: string; row: string },
  writer: Pick<AssignmentActivities, 'recordAssignment'>,
): Promise<void> {
  const attributes = () => {
    const { status, overdue, nextDeadline, ioFailing } = a.summary();
    return JSON.stringify([status, overdue, nextDeadline ?? null, ioFailing ?? null]);
  };
  if (attributes() !== shown.attributes) {
    upsertAttributes(a.summary());
    shown.attributes = attributes();
  }
  const row = a.projection();
  const { revision: _, ...rest } = row;
  const key = JSON.stringify(rest);
  if (key === shown.row || a.ioWaiting(Date.now())) return;
  const revision = a.nextRevision();
  try {
    await writer.recordAssignment({ ...row, revision });
    shown.row = key;
    a.ioSucceeded('recordAssignment');
  } catch (err) {
    const failure = ioFailureOf(err, 'recordAssignment');
    if (!failure) throw err;
    a.ioFailed(failure, Date.now());
    if (a.ioRetryAt() === undefined) a.retryIoLater(Date.now());
  }
  if (attributes() !== shown.attributes) {
    upsertAttributes(a.summary());
    shown.attributes = attributes();
  }
}

function historyTooLong(): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > maxHistoryEvents;
}
