import { defineQuery, defineSignal } from '@temporalio/workflow';

/*
 * contract/messaging: what the poll workflows (workflows/messaging/poll.ts), their activities
 * (activities/inbox-poll.ts, activities/delivery.ts) and the app that starts them (app/message-poll.ts)
 * agree on — the poller's ids, its input and result, its signal and query, and the activity interface
 * of the mailbox (pollInbox), the sweep of stranded inbox rows (resumeStrandedInbox) and the outbox's
 * sender (pendingOutboxLanes, deliverMessage). Side-effect free, below both workflows/
 * and activities/. No payloads: messages hold personal data and stay inside the activities.
 */

/** Id of the loop workflow, and of the Schedule that ran rounds before it (deleted at start-up). */
export const messagePollWorkflowId = 'iwmo-message-poll';
export const messagePollScheduleId = 'iwmo-message-poll';

// ---- the workflows' input and result ----

export interface MessagePollInput {
  /** Messages per fetch (VECOZO: 1..250). */
  pageSize?: number;
  /** Pages per round at most; the rest waits for the next round. */
  maxPages?: number;
  /** Outbox rows per round at most; 0 = receive only. */
  deliverLimit?: number;
  /** 301s of different clients stored and routed at once (activities/inbox-poll.ts); 1 = one by one. */
  receiveConcurrency?: number;
  /** Workflows whose outbox rows are sent at once; 1 = one row at a time, oldest first. */
  deliverConcurrency?: number;
  /** Delivery passes per round at most (they run while the mailbox is read and while rows keep coming). */
  deliveryPasses?: number;
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

export interface MessagePollLoopInput extends MessagePollInput {
  /** Pause between the end of one round and the start of the next. */
  intervalMs: number;
  /** Rounds before the run continues as new (sooner when the server suggests it); default 150. */
  roundsPerRun?: number;
  /** Rounds the earlier runs of this poller made (carried over by continue-as-new, for pollProgress). */
  roundsBefore?: number;
}

/** Rounds this poller has finished, over all its runs, and in this run. */
export const pollProgressQuery = defineQuery<{ rounds: number; roundsThisRun: number }>('pollProgress');

/** New settings for the running poller (a restart with another MESSAGE_POLL_INTERVAL_MS): next round on. */
export const pollSettingsSignal = defineSignal<[Partial<MessagePollLoopInput>]>('pollSettings');

// ---- the mailbox and the sweep (activities/inbox-poll.ts) ----

export interface PollInboxInput {
  limit?: number;
  /** 301s of different clients received at once, at most; 1 = strictly one after another. */
  concurrency?: number;
}

export interface PollInboxResult {
  fetched: number;
  /** Stored and routed (or stored as rejected / received) for the first time. */
  stored: number;
  /** Offered again and recognised in the inbox: answered with the stored outcome, confirmed. */
  duplicates: number;
  confirmed: number;
  /** Payload no longer (or never) downloadable: stored as rejected (PAYLOAD-UNAVAILABLE), then confirmed. */
  unavailable: number;
  /** Not confirmed this time (being processed elsewhere, or failed): the transport offers it again. */
  deferred: number;
  /** The page was full: there may be more waiting. */
  more: boolean;
}

export interface ResumeStrandedResult {
  /** Claimed and finished (routed, rejected or received). */
  resumed: number;
  /** Claimed, but routing failed again (released: the next sweep or re-delivery retries). */
  failed: number;
}

export interface InboxPollActivities {
  /** Finishes inbox rows stored but never routed (a process died between store and route). */
  resumeStrandedInbox: () => Promise<ResumeStrandedResult>;
  /** One page of the mailbox: fetch → store and route → confirm. */
  pollInbox: (input?: PollInboxInput) => Promise<PollInboxResult>;
}

// ---- the outbox's sender (activities/delivery.ts) ----

export interface DeliverMessageInput {
  outboxId: string;
}

export interface DeliveryResult {
  outboxId: string;
  status: 'sent' | 'failed';
  traceerId: string;
  /** Sent before (a retry after a crash, or the row was delivered already): nothing went out now. */
  alreadySent: boolean;
}

/** A batch of lanes for one activity (patch 'delivery-batches'): each lane in order, lanes side by side. */
export interface DeliverLanesInput {
  lanes: string[][];
  /** Lanes sent at once inside the activity. */
  concurrency: number;
}

/** What became of the batch's rows: every row is counted once, by its status after the batch. */
export interface DeliverLanesResult {
  sent: number;
  failed: number;
}

/** Error type when delivery cannot work at all (no transport, unknown row); the row stays pending. */
export const deliveryImpossibleType = 'DeliveryImpossible';

export interface RefreshTransportStatusInput {
  /** Rows asked about per call, oldest sent first. */
  limit: number;
}

export interface RefreshTransportStatusResult {
  /** Rows whose status was asked. */
  checked: number;
  /** New statuses written to message_events. */
  recorded: number;
  /** Rows now known as downloaded (their workflow was told). */
  downloaded: number;
  /** Rows whose status call or signal failed: asked again next time. */
  failed: number;
}

export interface DeliveryActivities {
  /** Pending rows in lanes, one per workflow that wrote them, each lane oldest first. */
  pendingOutboxLanes: (input: { limit: number }) => Promise<string[][]>;
  deliverMessage: (input: DeliverMessageInput) => Promise<DeliveryResult>;
  /**
   * Sends a batch of lanes in one activity (deliverMessage per row, in the activity): a row that fails
   * stops the batch once the rows in flight finish, and the attempt fails; a retry skips what was sent.
   */
  deliverLanes: (input: DeliverLanesInput) => Promise<DeliverLanesResult>;
  /** Reads the transport's status of sent 305/307s; tells their workflows of a download. */
  refreshTransportStatus: (input: RefreshTransportStatusInput) => Promise<RefreshTransportStatusResult>;
}

/** What the poll workflows call; the worker's factories `satisfies` it (activities/index.ts). */
export type MessagingActivities = InboxPollActivities & DeliveryActivities;
