import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { AssignmentActivities, AssignmentProjection } from '../../activities/types';
import { endOfAmsterdamDay } from '../../calendar/amsterdam';
import {
  WmoAanbieder,
  WmoClientRef,
  WmoGemeente,
  WmoNextDeadline,
  WmoOverdue,
  WmoStatus,
} from '../search-attributes';
import {
  type AssignmentInput,
  type AssignmentState,
  correctionUpdate,
  eventRefusedType,
  retourSignal,
  startUpdate,
  stateQuery,
  stopUpdate,
  toewijzingSignal,
} from './contract';
import { type ShapeOf, shapeProblem } from './event-shapes';
import { Assignment, type OwedMessage } from './state';

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
// Webhook receivers can be down for a while: retry for about a day, without holding up the lifecycle.
const escalation = proxyActivities<Pick<AssignmentActivities, 'escalate'>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '1 hour', maximumAttempts: 30 },
});

/** History size at which a run hands over to a new one even between billing periods. */
const maxHistoryEvents = 1500;

export async function assignmentWorkflow(input: AssignmentInput): Promise<AssignmentState> {
  const a = new Assignment(input);
  let changes = 0;
  const changed = <T>(result: T): T => {
    changes++;
    return result;
  };
  const escalations = new Set<Promise<void>>();

  setHandler(stateQuery, () => view(a));
  setHandler(toewijzingSignal, (v) => {
    // Bad data from a caller is recorded in the log by its keys only and dropped: the workflow never fails on it.
    if (shapeProblem.toewijzing(v))
      return void log.warn('toewijzing signal refused: not a ToewijzingVersion');
    changed(a.receiveVersion(v, Date.now()));
  });
  setHandler(retourSignal, (r) => {
    if (shapeProblem.retour(r)) return void log.warn('retour signal refused: not a RetourReceived');
    changed(a.receiveRetour(r, Date.now()));
  });
  setHandler(startUpdate, (e) => changed(a.start(e, Date.now())), {
    validator: (e) => a.validateStart(parsed('start', e), Date.now()),
  });
  setHandler(stopUpdate, (e) => changed(a.stop(e, Date.now())), {
    validator: (e) => a.validateStop(parsed('stop', e), Date.now()),
  });
  setHandler(correctionUpdate, (e) => changed(a.correct(e, Date.now())), {
    validator: (e) => a.validateCorrection(parsed('correction', e), Date.now()),
  });

  a.init(workflowInfo().workflowId, Date.now());
  let periodBoundary = false;
  let published = '';

  for (;;) {
    const seen = changes;
    a.onDayPassed(Date.now());
    await sendOwed(a);
    startEscalations(a, escalations, () => changed(undefined));
    periodBoundary = (await handClaimPeriods(a)) || periodBoundary;
    a.refresh(Date.now());
    published = await publish(a, published);

    if (a.finished() && escalations.size === 0 && changes === seen) break;
    if ((periodBoundary || historyTooLong()) && changes === seen && a.s.owed.length === 0) {
      await Promise.all(escalations);
      await condition(allHandlersFinished);
      if (changes === seen) {
        // Our own keys travel along: Temporal de-duplicates update ids within one run only.
        return continueAsNew<typeof assignmentWorkflow>({
          toewijzing: a.s.toewijzing,
          profile: a.profile,
          carried: a.s,
        });
      }
    }
    const wake = a.nextWake(Date.now());
    const until = () => changes !== seen || a.s.owed.length > 0;
    if (wake === undefined) await condition(until);
    else if (wake > Date.now()) await condition(until, wake - Date.now());
  }
  await Promise.all(escalations);
  await condition(allHandlersFinished);
  return view(a);
}

/** Checks an update's argument against its shape; a malformed event is refused like any other, by its rule. */
function parsed<K extends 'start' | 'stop' | 'correction'>(kind: K, value: unknown): ShapeOf[K] {
  const problem = shapeProblem[kind](value);
  if (problem === undefined) return value as ShapeOf[K];
  throw ApplicationFailure.create({
    type: eventRefusedType,
    message: `Schema: ${problem}`,
    details: [{ rule: 'Schema', retourCode: '0001' }],
    nonRetryable: true,
  });
}

async function sendOwed(a: Assignment): Promise<void> {
  while (a.s.owed.length > 0) {
    const owed = a.s.owed[0] as OwedMessage;
    try {
      const result = await messaging.sendMessage({
        idempotencyKey: owed.key,
        workflowId: a.s.workflowId,
        dagtekening: a.today(Date.now()),
        message: owed.message,
      });
      a.sent(owed, result, Date.now());
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      // The standard refused what we would send: visible in state and log, the deadline stays open.
      const reason = err.cause instanceof ApplicationFailure ? err.cause.message : 'send failed';
      log.warn('message not sent', { key: owed.key, reason });
      a.sendRefused(owed, reason, Date.now());
    }
  }
}

/** Escalates each missed deadline once, in the background: a slow receiver never holds up the lifecycle. */
function startEscalations(a: Assignment, inFlight: Set<Promise<void>>, settled: () => void): void {
  const now = Date.now();
  for (const d of a.book.toEscalate(a.today(now))) {
    a.escalated(d, now);
    const t = a.s.toewijzing;
    const run = escalation
      .escalate({
        idempotencyKey: `${a.s.workflowId}:${d.id}`,
        workflowId: a.s.workflowId,
        gemeente: t.gemeente,
        aanbieder: t.aanbieder,
        toewijzingNummer: t.toewijzingNummer,
        action: d.action,
        rule: d.rule,
        owner: d.owner,
        dueDate: d.due,
        lateWorkingDays: a.book.lateness(d.due, a.today(now)),
        recipients: [...a.profile.escalation[d.owner]],
      })
      .then(
        () => undefined,
        () => log.warn('escalation not delivered', { deadline: d.id }),
      )
      .finally(() => {
        inFlight.delete(run);
        settled();
      });
    inFlight.add(run);
  }
}

/** Hands every ended billing period with care to the claims hook; true when one was handed over. */
async function handClaimPeriods(a: Assignment): Promise<boolean> {
  let handed = false;
  for (
    let p = a.nextClaimPeriod();
    p && endOfAmsterdamDay(p.end).getTime() < Date.now();
    p = a.nextClaimPeriod()
  ) {
    const t = a.s.toewijzing;
    await readModel.openClaimPeriod({
      workflowId: a.s.workflowId,
      gemeente: t.gemeente,
      aanbieder: t.aanbieder,
      toewijzingNummer: t.toewijzingNummer,
      calendar: p.calendar,
      start: p.start,
      end: p.end,
    });
    a.claimed(p);
    handed = true;
  }
  return handed;
}

/** Writes the read model and search attributes when what they show changed. */
async function publish(a: Assignment, before: string): Promise<string> {
  const row = projection(a);
  const { revision: _, ...shown } = row;
  const now = JSON.stringify(shown);
  if (now === before) return before;
  const t = a.s.toewijzing;
  upsertSearchAttributes([
    { key: WmoGemeente, value: t.gemeente },
    { key: WmoAanbieder, value: t.aanbieder },
    { key: WmoClientRef, value: t.clientRef },
    { key: WmoStatus, value: a.s.status },
    { key: WmoOverdue, value: a.s.overdue },
    { key: WmoNextDeadline, value: a.s.nextDeadline ? endOfAmsterdamDay(a.s.nextDeadline) : null },
  ]);
  a.s.revision++;
  await readModel.recordAssignment({ ...row, revision: a.s.revision });
  return now;
}

function projection(a: Assignment): AssignmentProjection {
  const t = a.s.toewijzing;
  return {
    workflowId: a.s.workflowId,
    gemeente: t.gemeente,
    toewijzingNummer: t.toewijzingNummer,
    aanbieder: t.aanbieder,
    clientRef: t.clientRef,
    ...(t.product?.categorie ? { productCategorie: t.product.categorie } : {}),
    ...(t.product?.code ? { productCode: t.product.code } : {}),
    ingangsdatum: t.ingangsdatum,
    ...(t.einddatum ? { einddatum: t.einddatum } : {}),
    profile: a.profile.id,
    status: a.s.status,
    overdue: a.s.overdue,
    revision: a.s.revision,
    ...(a.s.nextDeadline ? { nextDeadline: a.s.nextDeadline } : {}),
    openDeadlines: a.s.deadlines
      .filter((d) => d.status === 'open')
      .map((d) => ({
        id: d.id,
        action: d.action,
        owner: d.owner,
        rule: d.rule,
        due: d.due,
        escalated: !!d.escalated,
      })),
  };
}

function historyTooLong(): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > maxHistoryEvents;
}

/** The query's answer: the public part of the state (no internal bookkeeping, no profile body). */
function view(a: Assignment): AssignmentState {
  const {
    profile: _p,
    seq: _s,
    revision: _r,
    processedEvents: _e,
    seenMessages: _m,
    owed: _o,
    sent: _x,
    lastClaimedEnd: _l,
    ...state
  } = a.s;
  const copy = JSON.parse(JSON.stringify(state)) as AssignmentState;
  // Computed for the answer only: a query must never change what the main loop later decides.
  copy.overdue = a.book.overdue(a.today(Date.now()));
  return copy;
}
