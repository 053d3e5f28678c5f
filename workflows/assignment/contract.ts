import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import { isoDate } from '../../calendar/iso-date';
import type { DeadlineAction, LifecycleEventType, Party, ProtocolProfile } from '../../calendar/profile';

/*
 * The assignment workflow's contract: its id, input, signals, updates, query and the shapes they carry.
 * Side-effect free, so the API, the inbox router and the workflow all import the same definitions.
 * Everything here is plain JSON: no XML, no BSN, no name. The client is a `clientRef` (keyed hash).
 */

export const assignmentWorkflowType = 'assignmentWorkflow';

/** The one builder of an assignment's workflow id: a toewijzing is gemeente + ToewijzingNummer (OP275). */
export function assignmentWorkflowId(gemeente: string, toewijzingNummer: number): string {
  return `wmo:${gemeente}:${toewijzingNummer}`;
}

const gemeenteCode = z.string().regex(/^[0-9]{4}$/, 'CBS gemeentecode is 4 digits');
const agbCode = z.string().regex(/^[0-9]{8}$/, 'AGB code is 8 digits');
const time = z
  .string()
  .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?$|^24:00:00(\.0+)?$/, 'hh:mm:ss');

/** One version of a toewijzing, as a 301 carried it (one ToegewezenProduct), decoded at the boundary. */
export const toewijzingVersion = z.object({
  /** Inbox id of the 301 that carried it: activities read client data (BSN, name) from there. */
  messageId: z.string().min(1),
  /** BerichtIdentificatie/Identificatie of that 301. */
  berichtIdentificatie: z.string().min(1).max(12),
  gemeente: gemeenteCode,
  aanbieder: agbCode,
  /** Keyed hash of the BSN; never the BSN itself. */
  clientRef: z.string().min(1),
  toewijzingNummer: z.number().int().min(0).max(999_999_999),
  referentieAanbieder: z.string().max(36).optional(),
  product: z.object({ categorie: z.string(), code: z.string().optional() }).optional(),
  toewijzingsdatum: isoDate,
  toewijzingstijd: time,
  ingangsdatum: isoDate,
  einddatum: isoDate.optional(),
  redenWijziging: z.string().optional(),
  omvang: z.object({ volume: z.number().int(), eenheid: z.string(), frequentie: z.string() }).optional(),
  budget: z.number().int().optional(),
  /** The day the 301 was received (Europe/Amsterdam); the 302 term counts from it. */
  ontvangen: isoDate,
});
export type ToewijzingVersion = z.infer<typeof toewijzingVersion>;

/** What starts a workflow: the first version seen and the protocol profile of its gemeente. */
export interface AssignmentInput {
  toewijzing: ToewijzingVersion;
  profile: ProtocolProfile;
  /** Set on continue-as-new: everything the previous run knew. */
  carried?: unknown;
}

// ---- lifecycle events from the provider's system (Updates) ----

/** Caller's key for the event: the same key again returns the first answer (idempotent across runs). */
const eventId = z.string().min(1).max(100);

/** Start of care → a 305 (StatusAanlevering 1). */
export const startEvent = z.object({ eventId, begindatum: isoDate }).strict();
export type StartEvent = z.infer<typeof startEvent>;

/** Stop of care → a 307; RedenBeeindiging 20 is a temporary stop (TR413–TR415). */
export const stopEvent = z
  .object({ eventId, einddatum: isoDate, redenBeeindiging: z.string().regex(/^[0-9]{2}$/, 'two digits') })
  .strict();
export type StopEvent = z.infer<typeof stopEvent>;

/**
 * A correction: StatusAanlevering 3 deletes an earlier start or stop (identified by its begindatum, and
 * for a stop its einddatum); the corrected event, if any, is then sent as a new delivery (status 1).
 * StatusAanlevering 2 is forbidden in iWmo 3.2 (OP033x2) and refused.
 */
export const correctionEvent = z
  .object({
    eventId,
    target: z.enum(['start', 'stop']),
    statusAanlevering: z.enum(['2', '3']),
    begindatum: isoDate,
    einddatum: isoDate.optional(),
    replacement: z
      .object({
        begindatum: isoDate.optional(),
        einddatum: isoDate.optional(),
        redenBeeindiging: z.string().optional(),
      })
      .optional(),
  })
  .strict();
export type CorrectionEvent = z.infer<typeof correctionEvent>;

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

/** A 306 or 308 for a 305/307 this workflow sent, matched on the heen message's Identificatie. */
export const retourReceived = z.object({
  messageId: z.string().min(1),
  messageType: z.enum(['WMO306', 'WMO308']),
  /** BerichtIdentificatie/Identificatie of the 305/307 it answers. */
  heenIdentificatie: z.string().min(1).max(12),
  /** Every retour code in it; empty, or only 0200, means approved. */
  retourCodes: z.array(z.string()),
  ontvangen: isoDate,
});
export type RetourReceived = z.infer<typeof retourReceived>;
export const retourSignal = defineSignal<[RetourReceived]>('retour');

// ---- state (Query) ----

export type AssignmentStatus =
  | 'toegewezen' // assigned, care not started
  | 'in-zorg' // care running
  | 'tijdelijk-gestopt' // temporary stop (RedenBeeindiging 20)
  | 'gestopt' // care stopped definitively, messages may still be owed
  | 'beeindigd' // toewijzing ended without (further) care
  | 'verwijderd' // deleted (RedenWijziging 13): treated as never sent
  | 'afgerond'; // nothing owed any more; the workflow ends

export interface DeadlineState {
  id: string;
  action: DeadlineAction;
  owner: Party;
  rule: string;
  /** What it is about when several can be open at once: the 301's message id, the 305/307's Identificatie. */
  subject?: string;
  from: string;
  due: string;
  /** Events that close it (from the profile). */
  closedBy: LifecycleEventType[];
  status: 'open' | 'met' | 'cancelled';
  /** Set once the deadline passed unmet: the escalation went out (exactly once). */
  escalated?: boolean;
  /** Working days late when it was finally met. */
  lateWorkingDays?: number;
  closedOn?: string;
  /** Retour codes that reopened it (a rejected 305/307). */
  reopenedBy?: string[];
}

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
}

export const stateQuery = defineQuery<AssignmentState>('state');
