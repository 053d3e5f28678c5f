import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  deprecatePatch,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import {
  type DeliveryActivities,
  deliveryImpossibleType,
  type InboxPollActivities,
  type MessagePollInput,
  type MessagePollLoopInput,
  type MessagePollResult,
  pollProgressQuery,
  pollSettingsSignal,
} from '../../contract/messaging';

/*
 * messagePollLoopWorkflow: the poller. One long-running workflow with the fixed id `iwmo-message-poll`
 * (app/message-poll.ts) that sleeps the interval, runs a round, and after `roundsPerRun` rounds (or when
 * the server suggests it) continues as new — so the Temporal UI's list holds one poll run per a few
 * hundred rounds instead of one per round (docs/messaging.md has the figures).
 *
 * messagePollWorkflow: one round, as the Schedule `iwmo-message-poll` started them every few seconds
 * before the loop replaced it; tests and benches still run single rounds with it. The mailbox, page by
 * page (each message stored, routed, then confirmed — activities/inbox-poll.ts), and beside it the
 * outbox, in batches of lanes, one activity per batch (activities/delivery.ts).
 *
 * Why the sender lives here rather than in the assignment workflow: sendMessage stays "write the outbox
 * row" (one transaction, idempotent by key), and one sender per round never sends a row twice at once.
 * Rows are sent in lanes, one per workflow that wrote them: lanes side by side (deliverConcurrency), each
 * lane oldest row first, so a 305 still goes before the 307 of the same toewijzing while a thousand 302s
 * of a thousand toewijzingen do not wait for each other. A row whose delivery fails after its retries
 * stays pending, its lane stops, no new lane starts, and everything left is tried next round: nothing is
 * lost and no lane's order is broken.
 */

/*
 * Patches of earlier releases, deprecated (docs/testing.md, "Replay"): a round lasts minutes, so no round
 * on a path from before them can still be running, but rounds recorded with patched() carry their
 * markers and must replay (test/histories/poll/poll-round.json). Remove both calls in the release after.
 * ('outbox-lanes' was only reached on the path from before 'delivery-passes' and is gone with it.)
 */
const inboxSweepPatch = 'inbox-sweep';
export const deliveryPassesPatch = 'delivery-passes';
/** Time for workflows to write the rows the last pass made owed (their 305 after a 306, …). */
const passPause = '300 milliseconds';

/*
 * Heartbeats (activities/messaging/heartbeat.ts): an attempt whose worker died is retried after the
 * heartbeat timeout (seconds) instead of the start-to-close timeout (minutes).
 */
const heartbeatTimeout = '10 seconds';

const inbox = proxyActivities<InboxPollActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout,
  retry: {
    initialInterval: '1 second',
    maximumInterval: '30 seconds',
    maximumAttempts: 5,
    nonRetryableErrorTypes: [deliveryImpossibleType, 'TransportRequestError', 'TransportRefusedError'],
  },
});

const outbox = proxyActivities<DeliveryActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout,
  retry: {
    initialInterval: '1 second',
    maximumInterval: '30 seconds',
    maximumAttempts: 5,
    nonRetryableErrorTypes: [deliveryImpossibleType, 'TransportRequestError'],
  },
});

function reason(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) return `${cause.type ?? 'Error'}: ${cause.message}`;
  return cause instanceof Error ? cause.message : String(cause);
}

export async function messagePollWorkflow(input: MessagePollInput = {}): Promise<MessagePollResult> {
  const totals = { fetched: 0, stored: 0, duplicates: 0, confirmed: 0, unavailable: 0, deferred: 0 };
  const result: MessagePollResult = { inbox: totals, sent: 0, failed: 0, deferred: 0 };
  deprecatePatch(inboxSweepPatch);
  // Inbox rows stored but never routed (a process died between store and route): finished here; a
  // failure (database away) must not cost the round, which meets the same failure on its own.
  await inbox.resumeStrandedInbox().catch(() => undefined);
  deprecatePatch(deliveryPassesPatch);
  await receiveAndDeliver(input, result, false);
  return result;
}

/** Totals of one run, the workflow's result when it ends (continue-as-new carries only the settings). */
export async function messagePollLoopWorkflow(input: MessagePollLoopInput): Promise<never> {
  let settings = { ...input };
  setHandler(pollSettingsSignal, (update) => {
    settings = { ...settings, ...update };
  });
  let done = 0;
  setHandler(pollProgressQuery, () => ({ rounds: (settings.roundsBefore ?? 0) + done, roundsThisRun: done }));
  const roundsPerRun = () => settings.roundsPerRun ?? 150;
  while (done < roundsPerRun() && !workflowInfo().continueAsNewSuggested) {
    await sleep(settings.intervalMs);
    await loopRound(settings);
    done++;
  }
  // A settings signal that arrived just now is applied before the settings are carried over.
  await condition(allHandlersFinished);
  return continueAsNew<typeof messagePollLoopWorkflow>({
    ...settings,
    roundsBefore: (settings.roundsBefore ?? 0) + done,
  });
}

/**
 * One round of the loop: as messagePollWorkflow, except that an idle round ends as soon as the mailbox is
 * read and brought nothing (no pass pause), so an idle round costs ~20 history events (with the sweep)
 * and a run holds 150 rounds.
 */
async function loopRound(input: MessagePollInput): Promise<void> {
  const totals = { fetched: 0, stored: 0, duplicates: 0, confirmed: 0, unavailable: 0, deferred: 0 };
  const result: MessagePollResult = { inbox: totals, sent: 0, failed: 0, deferred: 0 };
  // Inbox rows stored but never routed (a process died between store and route), as in
  // messagePollWorkflow: a failure (database away) must not cost the round.
  await inbox.resumeStrandedInbox().catch(() => undefined);
  await receiveAndDeliver(input, result, true);
}

/** The mailbox and the outbox side by side: the 302s of the first page go out while later pages come in. */
async function receiveAndDeliver(input: MessagePollInput, result: MessagePollResult, quietEnd: boolean) {
  const deliverLimit = input.deliverLimit ?? 500;
  const inboxDone = { value: false };
  await Promise.all([
    receive(input, result).finally(() => {
      inboxDone.value = true;
    }),
    deliverLimit > 0 ? deliverWhileWork(input, deliverLimit, result, inboxDone, quietEnd) : Promise.resolve(),
    // The loop only (quietEnd): which sent 305/307s the gemeente downloaded (their 306/308 terms count
    // from then). It never costs the round.
    quietEnd &&
      patched('transport-status') &&
      outbox.refreshTransportStatus({ limit: 200 }).catch(() => undefined),
  ]);
}

/** The mailbox, page by page; a failure is reported in the result (the outbox still goes out). */
async function receive(input: MessagePollInput, result: MessagePollResult): Promise<void> {
  const maxPages = input.maxPages ?? 20;
  const totals = result.inbox;
  try {
    for (let page = 0; page < maxPages; page++) {
      const { more, ...counts } = await inbox.pollInbox({
        limit: input.pageSize ?? 50,
        concurrency: input.receiveConcurrency ?? 32,
      });
      for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += counts[key];
      if (!more) break;
    }
  } catch (err) {
    result.pollError = reason(err);
  }
}

/**
 * Delivery passes while the mailbox is being read or rows keep coming (workflows answering what this
 * round routed); stops at an empty pass once the mailbox is done, at a failure, or after `deliveryPasses`.
 */
async function deliverWhileWork(
  input: MessagePollInput,
  limit: number,
  result: MessagePollResult,
  inboxDone: { value: boolean },
  /** The loop's rounds: wait for the mailbox rather than pause, and stop when it brought nothing. */
  quietEnd = false,
): Promise<void> {
  const passes = input.deliveryPasses ?? 200;
  for (let pass = 0; pass < passes; pass++) {
    const before = { done: result.sent + result.failed, deferred: result.deferred };
    let lanes: string[][];
    try {
      lanes = await outbox.pendingOutboxLanes({ limit });
    } catch {
      // The database is away: receiving goes on (or fails on its own); the rows wait for the next round.
      result.deferred++;
      return;
    }
    if (lanes.length > 0) await deliverLanes(lanes, input.deliverConcurrency ?? 16, result);
    if (result.deferred > before.deferred) return;
    const idle = result.sent + result.failed === before.done;
    if (idle && quietEnd) {
      await condition(() => inboxDone.value);
      // Nothing came in, nothing went out: no workflow owes a row because of this round.
      if (result.inbox.stored + result.inbox.duplicates === 0 && pass === 0) return;
    }
    if (idle && inboxDone.value && pass > 0) return;
    if (idle) await sleep(passPause);
  }
}

/** Lanes per deliverLanes activity: small enough that a batch's progress and retry stay cheap. */
const rowsPerBatch = 100;

/**
 * Sends each lane in order, `concurrency` lanes at once; after a failure nothing new starts. Since
 * 'delivery-batches' (issue 17) the lanes go in batches of about a hundred rows, one activity each (the
 * lanes of a batch side by side inside it), instead of one activity per row.
 */
async function deliverLanes(lanes: string[][], concurrency: number, result: MessagePollResult) {
  if (!patched('delivery-batches')) return deliverRowByRow(lanes, concurrency, result);
  for (const batch of batchesOf(lanes, rowsPerBatch)) {
    try {
      const done = await outbox.deliverLanes({ lanes: batch, concurrency });
      result.sent += done.sent;
      result.failed += done.failed;
    } catch {
      // As below: the transport is most likely down; what is left waits for the next round, in order.
      result.deferred++;
      return;
    }
  }
}

/** Whole lanes in order, cut into batches of at least one lane and, past the first, at most `rows` rows. */
function batchesOf(lanes: string[][], rows: number): string[][][] {
  const batches: string[][][] = [];
  let current: string[][] = [];
  let size = 0;
  for (const lane of lanes) {
    if (current.length > 0 && size + lane.length > rows) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(lane);
    size += lane.length;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** The path of rounds recorded before 'delivery-batches': one deliverMessage activity per row. */
async function deliverRowByRow(lanes: string[][], concurrency: number, result: MessagePollResult) {
  let next = 0;
  let stopped = false;
  const slot = async () => {
    while (!stopped && next < lanes.length) {
      for (const outboxId of lanes[next++] as string[]) {
        if (stopped) return;
        try {
          const delivered = await outbox.deliverMessage({ outboxId });
          if (delivered.status === 'sent') result.sent++;
          else result.failed++;
        } catch {
          // Most likely the transport is down: this lane's later rows must not overtake this one, and
          // the other lanes would only meet the same failure, so the round ends here.
          result.deferred++;
          stopped = true;
          return;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, lanes.length)) }, slot));
}
