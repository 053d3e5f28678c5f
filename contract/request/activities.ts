import type { IsoDate } from '../../calendar/iso-date';
import type { Party } from '../../calendar/profile';

/*
 * The activities the request workflow proxies, as one interface the implementation must `satisfies`.
 * Plain JSON in and out, no client data: the send activity reads the client from the stored request
 * document (payloadRef) or the stored 319 (inbox id), builds the XML with iwmo/ and writes the outbox.
 * Names differ from the assignment's (`sendMessage`, `escalate`): a worker registers one flat set.
 */

/** A message the request workflow makes owed. */
export type RequestMessage =
  | {
      type: 'WMO315' | 'WMO317';
      /** The stored request document to build it from (iwmo/request-builder.ts). */
      payloadRef: string;
    }
  | {
      type: 'WMO320';
      /** Inbox id of the 319 it answers. */
      heenMessageId: string;
      /** Cross-message findings on the 319 (TR359, TR360, TR365); empty = approved. */
      retourCodes: string[];
    };

export interface SendRequestMessageInput {
  /**
   * Outbox key. A 315/317 is keyed by its document (`verzoek:{payloadRef}`), so the workflows of one
   * 315's products share one message; a 320 by the 319's inbox id. A retry finds its earlier row.
   */
  idempotencyKey: string;
  workflowId: string;
  /** Dagtekening of the message (the workflow's day, Europe/Amsterdam). */
  dagtekening: IsoDate;
  message: RequestMessage;
}

export interface SendRequestMessageResult {
  outboxId: string;
  /** BerichtIdentificatie/Identificatie of the message; the 316/318 is matched on it. */
  identificatie: string;
  /** Dagtekening the message carries (the first row's, on a duplicate): the 8-week term counts from it. */
  dagtekening: IsoDate;
  /** True when the row already existed (a retry, or another product of the same 315). */
  duplicate: boolean;
}

/** Error type of a message the standard refuses (the builder found a rule broken): not retried. */
export const requestMessageRefusedType = 'MessageRefused';

export interface RequestEscalationInput {
  /** workflow id + deadline id: the same escalation is written and delivered once. */
  idempotencyKey: string;
  workflowId: string;
  gemeente: string;
  aanbieder: string;
  referentieAanbieder: string;
  action: string;
  rule: string;
  owner: Party;
  dueDate: IsoDate;
  lateWorkingDays: number;
  recipients: Party[];
}

export interface RequestEscalationResult {
  escalationId: string;
  delivered: number;
  failed: number;
}

/** One request's row in the read model (lists by status and overdue); codes and keys only. */
export interface RequestProjection {
  workflowId: string;
  kind: '315' | '317';
  aanbieder: string;
  gemeente: string;
  referentieAanbieder: string;
  clientRef: string;
  status: string;
  overdue: boolean;
  nextDeadline?: IsoDate;
  profile: string;
  /** Grows with every change; the read model keeps the newest. */
  revision: number;
  assignmentWorkflowIds: string[];
}

export interface RequestActivities {
  sendRequestMessage(input: SendRequestMessageInput): Promise<SendRequestMessageResult>;
  escalateRequest(input: RequestEscalationInput): Promise<RequestEscalationResult>;
  recordRequest(row: RequestProjection): Promise<void>;
}
