import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { TrackedDeadline } from '../../calendar/deadline-book';
import type { Party, ProtocolProfile } from '../../calendar/profile';
import type { AssignmentClaimsState } from './claims';
import type { CorrectionEvent, RetourReceived, StartEvent, StopEvent, ToewijzingVersion } from './schemas';

export type {
  AssignmentActivities,
  AssignmentProjection,
  ClaimPeriodInput,
  EscalationInput,
  EscalationResult,
  OutgoingMessage,
  ResolutionInput,
  SendMessageInput,
  SendMessageResult,
} from './activities';
export {
  type AssignmentClaimActivities,
  type AssignmentClaimsState,
  type AssignmentLineStatus,
  type AssignmentLineView,
  type ClaimFindingView,
  type ConfirmCorrectionEvent,
  type CorrectionProposal,
  confirmCorrectionUpdate,
  type HandOverClaimLinesInput,
  type PaymentEvent,
  type PaymentRecordInput,
  type ReviseAwardedLineEvent,
  recordPaymentUpdate,
  reviseAwardedLineUpdate,
  type SettlementInput,
  type SettlementView,
} from './claims';
export { retour302Key } from './keys';
export {
  type RefusalClass,
  type RefusalDetails,
  type RefusalRule,
  refusalClass,
  refusalRules,
} from './refusals';
export type { CorrectionEvent, RetourReceived, StartEvent, StopEvent, ToewijzingVersion };

/*
 * contract/assignment: what the assignment workflow, its activities and its callers (API, inbox router)
 * agree on — its id, input, signals, updates, query, the state it shows, the activity interface it
 * proxies (activities.ts), the keys both sides derive (keys.ts) and the rules an event is refused by
 * (refusals.ts). Side-effect free and below both workflows/ and activities/: it imports neither.
 * Everything here is plain JSON: no XML, no BSN, no name. The client is a `clientRef` (keyed hash).
 * The zod schemas of what callers send are in schemas.ts (types flow from there); this file imports
 * only their types, so the workflow bundle does not load zod (bench/README.md: memory).
 */

export const assignmentWorkflowType = 'assignmentWorkflow';

/** The one builder of an assignment's workflow id: a toewijzing is gemeente + ToewijzingNummer (OP275). */
export function assignmentWorkflowId(gemeente: string, toewijzingNummer: number): string {
  return `wmo:${gemeente}:${toewijzingNummer}`;
}

/** What starts a workflow: the first version seen and the protocol profile of its gemeente. */
export interface AssignmentInput {
  toewijzing: ToewijzingVersion;
  profile: ProtocolProfile;
  /** Set on continue-as-new: everything the previous run knew. */
  carried?: unknown;
}

// ---- lifecycle events from the provider's system (Updates) ----

/** What an accepted event did. A refused one never gets here: the validator throws `EventRefused`. */
export interface EventResult {
  eventId: string;
  accepted: true;
  /** The message(s) it made owed: '305', '307'. */
  messages: string[];
  /** Working days after the deadline it came (0 = on time), when a deadline was open for it. */
  lateWorkingDays?: number;
}

/** Error type name of a refused event; its message starts with the rule id, e.g. 'TR326: …'. */
export const eventRefusedType = 'EventRefused';

export const startUpdate = defineUpdate<EventResult, [StartEvent]>('start');
export const stopUpdate = defineUpdate<EventResult, [StopEvent]>('stop');
export const correctionUpdate = defineUpdate<EventResult, [CorrectionEvent]>('correction');

// ---- what arrives by transport (Signals) ----

export const toewijzingSignal = defineSignal<[ToewijzingVersion]>('toewijzing');

export const retourSignal = defineSignal<[RetourReceived]>('retour');

/**
 * From the outbox's sender (activities/delivery.ts): a message this workflow wrote was handed to the
 * transport (`deliveredAt`), and, when the transport reports it, downloaded by the recipient
 * (`downloadedAt`). Our own 305/307 deadline is met on delivery; the counterparty's 306/308 term counts
 * from the download, else from the delivery (seed protocol §4.2). ISO 8601 timestamps.
 */
export interface OutboxDelivered {
  /** The idempotency key the workflow wrote the message under (its owed key). */
  outboxKey: string;
  deliveredAt: string;
  downloadedAt?: string;
}
export const outboxDeliveredSignal = defineSignal<[OutboxDelivered]>('outboxDelivered');

// ---- state (Query) ----

export type AssignmentStatus =
  | 'toegewezen' // assigned, care not started
  | 'in-zorg' // care running
  | 'tijdelijk-gestopt' // temporary stop (RedenBeeindiging 20)
  | 'gestopt' // care stopped definitively, messages may still be owed
  | 'beeindigd' // toewijzing ended without (further) care
  | 'verwijderd' // deleted (RedenWijziging 13): treated as never sent
  | 'afgerond'; // nothing owed any more; the workflow ends

/**
 * One deadline of the assignment: the calendar's TrackedDeadline (subject: the 301's message id, the
 * 305/307's Identificatie).
 */
export type DeadlineState = TrackedDeadline;

export interface DeliveryState {
  begindatum: string;
  einddatum?: string;
  redenBeeindiging?: string;
  start: {
    status: 'owed' | 'sent' | 'approved' | 'rejected' | 'deleted';
    identificatie?: string;
    retourCodes?: string[];
  };
  stop?: {
    status: 'owed' | 'sent' | 'approved' | 'rejected' | 'deleted';
    identificatie?: string;
    retourCodes?: string[];
  };
}

export interface MessageRecord {
  direction: 'in' | 'out';
  type: string;
  /** Inbox id (in) or idempotency key (out). */
  ref: string;
  identificatie?: string;
  status: string;
  on: string;
}

export interface AssignmentState {
  workflowId: string;
  status: AssignmentStatus;
  toewijzing: ToewijzingVersion;
  /** Every version seen, with whether it was applied (an older or identical one is recorded only). */
  versions: {
    toewijzingsdatum: string;
    toewijzingstijd: string;
    messageId: string;
    applied: boolean;
    reason?: string;
  }[];
  deliveries: DeliveryState[];
  deadlines: DeadlineState[];
  messages: MessageRecord[];
  escalations: { deadlineId: string; rule: string; owner: Party; due: string; on: string }[];
  overdue: boolean;
  nextDeadline?: string;
  profileId: string;
  /** Billing periods whose end has been handed to the claims hook. */
  claimPeriods: { start: string; end: string }[];
  io?: IoState;
  /** Behind patch 'claim-lines': the lines claimed, why not (findings), corrections, settlement, payment. */
  claims?: AssignmentClaimsState;
}

/**
 * How the assignment's I/O is doing (absent: nothing ever failed). `failing` is what WmoIoFailing shows.
 * A call retries a few times inside Temporal; one that still fails, or can never succeed, lands here.
 */
export interface IoState {
  failing: boolean;
  /** The activity whose call failed last. */
  activity?: string;
  /** When the current run of failures began (ISO timestamp). */
  since?: string;
  /** Failed calls since then (each one of up to a few attempts). */
  attempts: number;
  /** Failure type of the last one, e.g. DatabaseRefused, DatabaseFailed, TimeoutFailure. */
  lastErrorType?: string;
  /** When the workflow tries again (a transient failure). */
  retryAt?: string;
  /** Keys of owed messages whose write can never succeed: set aside, visible in messages too. */
  setAside?: string[];
}

export const stateQuery = defineQuery<AssignmentState>('state');
