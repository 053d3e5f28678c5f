import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { createDeliveryActivities } from '../../activities/delivery';
import type { createInboxPollActivities, PollInboxResult } from '../../activities/inbox-poll';

/*
 * messagePollWorkflow: one round of the message exchange, started every few seconds by the Schedule
 * `iwmo-message-poll` (app/message-poll.ts; overlap SKIP, so rounds never run side by side). First the
 * mailbox, page by page (each message stored, routed, then confirmed — activities/inbox-poll.ts), then
 * the outbox, oldest row first, one activity per message (activities/delivery.ts).
 *
 * Why the sender lives here rather than in the assignment workflow: sendMessage stays "write the outbox
 * row" (one transaction, idempotent by key), and one sequential sender keeps the order the workflows
 * wrote in (a 305 before the 307 of the same toewijzing) and never sends a row twice at once. A row
 * whose delivery fails after its retries stays pending and is tried again next round: nothing is lost.
 */

type PollActivities = ReturnType<typeof createInboxPollActivities>;
type DeliveryActivities = ReturnType<typeof createDeliveryActivities>;

const inbox = proxyActivities<PollActivities>({
  startToCloseTimeout: '5 minutes',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '30 seconds',
    maximumAttempts: 5,
    nonRetryableErrorTypes: ['DeliveryImpossible', 'TransportRequestError', 'TransportRefusedError'],
  },
});

const outbox = proxyActivities<DeliveryActivities>({
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '30 seconds',
    maximumAttempts: 5,
    nonRetryableErrorTypes: ['DeliveryImpossible', 'TransportRequestError'],
  },
});

export interface MessagePollInput {
  /** Messages per fetch (VECOZO: 1..250). */
  pageSize?: number;
  /** Pages per round at most; the rest waits for the next round. */
  maxPages?: number;
  /** Outbox rows per round at most; 0 = receive only. */
  deliverLimit?: number;
}

export interface MessagePollResult {
  inbox: Omit<PollInboxResult, 'more'>;
  /** Sent now, or found sent before (BRS114 after a crash). */
  sent: number;
  /** Refused by the transport as they are: status 'failed' with the reason on the row. */
  failed: number;
  /** Delivery stopped at a row that could not be sent (retries exhausted, transport unusable): it and the rest stay pending. */
  deferred: number;
  /** The inbox could not be polled this round (e.g. the transport was down through every retry). */
  pollError?: string;
}

function reason(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) return `${cause.type ?? 'Error'}: ${cause.message}`;
  return cause instanceof Error ? cause.message : String(cause);
}

export async function messagePollWorkflow(input: MessagePollInput = {}): Promise<MessagePollResult> {
  const pageSize = input.pageSize ?? 50;
  const maxPages = input.maxPages ?? 20;
  const totals = { fetched: 0, stored: 0, duplicates: 0, confirmed: 0, unavailable: 0, deferred: 0 };
  const result: MessagePollResult = { inbox: totals, sent: 0, failed: 0, deferred: 0 };

  try {
    for (let page = 0; page < maxPages; page++) {
      const { more, ...counts } = await inbox.pollInbox({ limit: pageSize });
      for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += counts[key];
      if (!more) break;
    }
  } catch (err) {
    // The outbox still goes out: receiving and sending do not depend on each other.
    result.pollError = reason(err);
  }

  const deliverLimit = input.deliverLimit ?? 500;
  const pending = deliverLimit > 0 ? await outbox.pendingOutbox({ limit: deliverLimit }) : [];
  for (const outboxId of pending) {
    try {
      const delivered = await outbox.deliverMessage({ outboxId });
      if (delivered.status === 'sent') result.sent++;
      else result.failed++;
    } catch {
      // Most likely the transport is down: stop here, so the rows behind this one keep their order.
      result.deferred++;
      break;
    }
  }
  return result;
}
