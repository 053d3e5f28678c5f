import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { amsterdamDateOf, endOfAmsterdamDay } from '../../calendar/amsterdam';
import type { RequestActivities } from '../../contract/request/activities';
import {
  antwoordSignal,
  honouredSignal,
  type RequestInput,
  type RequestResult,
  type ResendEvent,
  requestRefusedType,
  resendUpdate,
  retourSignal,
  stateQuery,
} from '../../contract/request/contract';
import { requestRefusalRules } from '../../contract/request/refusals';
import { requestShapeProblem } from '../../contract/request/shapes';
import {
  WmoAanbieder,
  WmoClientRef,
  WmoGemeente,
  WmoNextDeadline,
  WmoOverdue,
  WmoStatus,
} from '../../contract/search-attributes';
import { type Refusal, Request } from './state';

/*
 * One workflow per request (id verzoek:{aanbieder}:{ReferentieAanbieder}, contract/request). Handlers
 * first, each one call on the Request state object; the main body only waits — for a handler to change
 * something or for the next due moment — then does the I/O the state asks for: send the owed 315/317/320,
 * escalate each missed deadline once, publish the read model. It ends when the request is closed
 * (honoured by a 301 or rejected by a 319) and nothing is owed. Requests live weeks, not years, and stay
 * far below the history limit, so there is no continue-as-new.
 */

const messaging = proxyActivities<Pick<RequestActivities, 'sendRequestMessage'>>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '2 seconds',
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: ['MessageRefused'],
  },
});
const readModel = proxyActivities<Pick<RequestActivities, 'recordRequest'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
// Webhook receivers can be down for a while: retry for about a day, without holding up the request.
const escalation = proxyActivities<Pick<RequestActivities, 'escalateRequest'>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '1 hour', maximumAttempts: 30 },
});

export async function requestWorkflow(input: RequestInput): Promise<RequestResult> {
  const inputProblem = requestShapeProblem.input(input);
  // A malformed start never reaches the state, and never fails: it ends at once, naming the field only.
  if (inputProblem) {
    log.warn('request refused: not a RequestInput', { problem: inputProblem });
    return { refused: `Schema: ${inputProblem}` };
  }
  const r = new Request(input, workflowInfo().workflowId);
  let changes = 0;
  const changed = () => {
    changes++;
  };
  const escalations = new Set<Promise<void>>();

  setHandler(stateQuery, () => r.view(Date.now()));
  // Bad data from a caller is logged by kind only and dropped: the workflow never fails on it.
  setHandler(retourSignal, (x) => {
    if (requestShapeProblem.retour(x)) return void log.warn('retour signal refused: not a RequestRetour');
    r.receiveRetour(x);
    changed();
  });
  setHandler(antwoordSignal, (x) => {
    if (requestShapeProblem.antwoord(x))
      return void log.warn('antwoord signal refused: not a RequestAntwoord');
    r.receiveAntwoord(x, Date.now());
    changed();
  });
  setHandler(honouredSignal, (x) => {
    if (requestShapeProblem.honoured(x))
      return void log.warn('gehonoreerd signal refused: not a RequestHonoured');
    r.receiveHonoured(x);
    changed();
  });
  setHandler(
    resendUpdate,
    (e) => {
      const result = r.resend(e);
      changed();
      return result;
    },
    {
      validator: (e) => {
        const problem = requestShapeProblem.resend(e);
        refuseIf(problem ? { rule: 'Schema', detail: problem } : r.checkResend(e as ResendEvent));
      },
    },
  );

  let published = '';
  for (;;) {
    const seen = changes;
    await sendOwed(r);
    startEscalations(r, input, escalations, changed);
    r.refresh();
    published = await publish(r, published);
    if (r.finished() && escalations.size === 0 && changes === seen) break;
    const wake = r.nextWake(Date.now());
    const until = () => changes !== seen || r.nextOwed() !== undefined;
    if (wake === undefined) await condition(until);
    else if (wake > Date.now()) await condition(until, wake - Date.now());
  }
  await Promise.all(escalations);
  await condition(allHandlersFinished);
  return r.view(Date.now());
}

/** Throws the refusal an update validator found: the caller hears the rule, the history never sees it. */
function refuseIf(refusal: Refusal | undefined): void {
  if (!refusal) return;
  const { retourCode, text } = requestRefusalRules[refusal.rule];
  throw ApplicationFailure.create({
    type: requestRefusedType,
    message: `${refusal.rule}: ${text}${refusal.detail ? ` (${refusal.detail})` : ''}`,
    details: [{ rule: refusal.rule, retourCode }],
    nonRetryable: true,
  });
}

async function sendOwed(r: Request): Promise<void> {
  for (let owed = r.nextOwed(); owed; owed = r.nextOwed()) {
    try {
      const result = await messaging.sendRequestMessage({
        idempotencyKey: owed.key,
        workflowId: r.workflowId,
        dagtekening: amsterdamDateOf(Date.now()),
        message: owed.message,
      });
      r.sent(owed, result);
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      // The standard refused what we would send: visible in state and log; the request waits for a correction.
      const reason = err.cause instanceof ApplicationFailure ? err.cause.message : 'send failed';
      log.warn('request message not sent', { key: owed.key, reason });
      r.sendRefused(owed, reason, Date.now());
    }
  }
}

/** Escalates each missed deadline once, in the background: a slow receiver never holds up the request. */
function startEscalations(
  r: Request,
  input: RequestInput,
  inFlight: Set<Promise<void>>,
  settled: () => void,
): void {
  const now = Date.now();
  for (const d of r.takeEscalations(now)) {
    const run = escalation
      .escalateRequest({
        idempotencyKey: `${r.workflowId}:${d.id}`,
        workflowId: r.workflowId,
        gemeente: input.gemeente,
        aanbieder: input.aanbieder,
        referentieAanbieder: input.referentieAanbieder,
        action: d.action,
        rule: d.rule,
        owner: d.owner,
        dueDate: d.due,
        lateWorkingDays: r.lateness(d.due, now),
        recipients: [...r.profile.escalation[d.owner]],
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

/** Writes the read model and search attributes when what they show changed. */
async function publish(r: Request, before: string): Promise<string> {
  const row = r.projection(Date.now());
  const now = JSON.stringify(row);
  if (now === before) return before;
  upsertSearchAttributes([
    { key: WmoGemeente, value: row.gemeente },
    { key: WmoAanbieder, value: row.aanbieder },
    { key: WmoClientRef, value: row.clientRef },
    { key: WmoStatus, value: row.status },
    { key: WmoOverdue, value: row.overdue },
    { key: WmoNextDeadline, value: row.nextDeadline ? endOfAmsterdamDay(row.nextDeadline) : null },
  ]);
  await readModel.recordRequest({ ...row, revision: r.nextRevision() });
  return now;
}
