/*
 * Inputs and outputs of the activities the assignment workflow calls. Type-only and plain JSON, so the
 * workflow imports them without pulling I/O code into its bundle. No BSN or name in any of them:
 * an activity that must build a message reads the client from the stored 301 by its inbox id.
 */

/** A message the workflow makes owed; `sendMessage` builds the XML with iwmo/encode and stores it in the outbox. */
export type OutgoingMessage =
  | {
      type: 'WMO302';
      /** Inbox id of the 301 this answers; one 302 per 301 message, whatever the number of workflows. */
      heenMessageId: string;
      /** Retour codes; empty = approved (header only). */
      retourCodes: string[];
    }
  | {
      type: 'WMO305';
      /** Inbox id of the 301 whose client and toewijzing this start is for. */
      toewijzingMessageId: string;
      toewijzingNummer: number;
      begindatum: string;
      statusAanlevering: '1' | '3';
    }
  | {
      type: 'WMO307';
      toewijzingMessageId: string;
      toewijzingNummer: number;
      begindatum: string;
      einddatum: string;
      redenBeeindiging: string;
      statusAanlevering: '1' | '3';
    };

export interface SendMessageInput {
  /** workflow id + step (or, for a 302, the 301's message id): a retry finds its earlier outbox row. */
  idempotencyKey: string;
  workflowId: string;
  /** Dagtekening of the message (the workflow's day, Europe/Amsterdam). */
  dagtekening: string;
  message: OutgoingMessage;
}

export interface SendMessageResult {
  outboxId: string;
  /** BerichtIdentificatie/Identificatie given to the message; retours are matched on it. */
  identificatie: string;
  /** True when the row already existed (a retry or a second workflow for the same 301). */
  duplicate: boolean;
}

export interface EscalationInput {
  /** workflow id + deadline id: the same escalation is written and delivered once. */
  idempotencyKey: string;
  workflowId: string;
  gemeente: string;
  aanbieder: string;
  toewijzingNummer: number;
  action: string;
  rule: string;
  owner: 'aanbieder' | 'gemeente';
  dueDate: string;
  /** Working days past due when escalated. */
  lateWorkingDays: number;
  /** Parties to notify, from the profile's escalation table. */
  recipients: ('aanbieder' | 'gemeente')[];
}

export interface EscalationResult {
  escalationId: string;
  delivered: number;
  failed: number;
}

export interface ClaimPeriodInput {
  workflowId: string;
  gemeente: string;
  aanbieder: string;
  toewijzingNummer: number;
  calendar: 'month' | 'cak4w';
  start: string;
  end: string;
}

/** One assignment's row in the read model; codes and keys only, never a BSN or name. */
export interface AssignmentProjection {
  workflowId: string;
  gemeente: string;
  toewijzingNummer: number;
  aanbieder: string;
  clientRef: string;
  productCategorie?: string;
  productCode?: string;
  ingangsdatum: string;
  einddatum?: string;
  profile: string;
  status: string;
  overdue: boolean;
  /** Grows with every state change; the read model keeps the newest. */
  revision: number;
  /** Last day of the earliest open deadline. */
  nextDeadline?: string;
  /** Open deadlines, for lists across assignments (GET /v1/deadlines). */
  openDeadlines: {
    id: string;
    action: string;
    owner: string;
    rule: string;
    due: string;
    escalated: boolean;
  }[];
}

/** A missed deadline that was met after its escalation: the same key as the escalation it resolves. */
export interface ResolutionInput extends EscalationInput {
  /** The day the deadline was met. */
  metOn: string;
}

/** What the assignment workflow calls; the worker's `createActivities` must provide all of them. */
export interface AssignmentActivities {
  sendMessage(input: SendMessageInput): Promise<SendMessageResult>;
  recordAssignment(row: AssignmentProjection): Promise<void>;
  escalate(input: EscalationInput): Promise<EscalationResult>;
  resolveEscalation(input: ResolutionInput): Promise<EscalationResult>;
  openClaimPeriod(input: ClaimPeriodInput): Promise<void>;
}
