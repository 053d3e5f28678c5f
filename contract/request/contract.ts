import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { TrackedDeadline } from '../../calendar/deadline-book';
import type { IsoDate } from '../../calendar/iso-date';
import type { Party, ProtocolProfile } from '../../calendar/profile';
import type { RequestAction } from '../../calendar/request-terms';
import { referentieProblem } from '../../iwmo/referentie';

/*
 * The request workflow's contract: a provider's verzoek om toewijzing (315, one workflow per requested
 * product) or verzoek om wijziging (317, one workflow for the whole request), from sending it to the
 * gemeente's answer. Its id, input, signals (answers arriving by transport), the update that resends a
 * corrected request, the state query and the shapes they carry — plain JSON, no BSN, no name, no birth
 * date: the client is a `clientRef`, the request's content an opaque `payloadRef` to the stored document.
 * Zod schemas for callers: ./schemas.ts. Zod-free checks the workflow runs: ./shapes.ts.
 */

export const requestWorkflowType = 'requestWorkflow';

export type RequestKind = '315' | '317';

/**
 * The one builder of a request's workflow id. ReferentieAanbieder is unique per provider within the
 * domain (TR347) and comes back on the 301 that honours the request (TR379) and on its 319 (TR355), so
 * aanbieder + ReferentieAanbieder finds the workflow from either answer. Throws on a value that breaks
 * the rules (iwmo/referentie.ts), without quoting it.
 */
export function requestWorkflowId(aanbieder: string, referentieAanbieder: string): string {
  if (!/^[0-9]{8}$/.test(aanbieder)) throw new RangeError('aanbieder must be an AGB code of 8 digits');
  const problem = referentieProblem(referentieAanbieder);
  if (problem) throw new RangeError(problem);
  return `verzoek:${aanbieder}:${referentieAanbieder}`;
}

export interface RequestedProduct {
  categorie: string;
  code?: string;
}

/** What starts a request workflow (the API, after the builder accepted the request). */
export interface RequestInput {
  kind: RequestKind;
  aanbieder: string;
  gemeente: string;
  referentieAanbieder: string;
  /** Keyed hash of the BSN; never the BSN itself. */
  clientRef: string;
  /**
   * Opaque key of the stored (encrypted) request document; the send activity builds the 315/317 from
   * it. One document is one message: the workflows of a 315's products share it and its outbox row.
   */
  payloadRef: string;
  /** 315: the product this workflow asks for. */
  product?: RequestedProduct;
  /** 315: the requested ToewijzingIngangsdatum; 317: the earliest GewensteIngangsdatum. */
  ingangsdatum?: IsoDate;
  /** 317: the current toewijzingen it names, whose assignments the honouring 301 changes. */
  toewijzingNummers?: number[];
  /** The gemeente's protocol profile, travelling with the request so it keeps its terms. */
  profile: ProtocolProfile;
}

// ---- what arrives by transport (Signals) ----

/** A 316/318 on a 315/317 this workflow sent, matched on the heen message's Identificatie. */
export interface RequestRetour {
  /** Inbox id of the retour (a re-delivery is a no-op). */
  messageId: string;
  messageType: 'WMO316' | 'WMO318';
  /** BerichtIdentificatie/Identificatie of the 315/317 it answers. */
  heenIdentificatie: string;
  /** Every retour code in it; empty, or only 0200, means approved. */
  retourCodes: string[];
  ontvangen: IsoDate;
}

/** A 319 Antwoord carrying this request's ReferentieAanbieder. */
export interface RequestAntwoord {
  /** Inbox id of the 319: the 320 is built from it, and a re-delivery is a no-op. */
  messageId: string;
  /** 1 = verzoek afgewezen, 2 = aanvraag in onderzoek. */
  verzoekAntwoord: '1' | '2';
  /** With 1: the reason (WMO 1–9). */
  redenAfwijzingVerzoek?: string;
  ontvangen: IsoDate;
}

/** A 301 whose ToegewezenProduct(en) carry this request's ReferentieAanbieder (TR379): it is honoured. */
export interface RequestHonoured {
  /** Inbox id of the 301. */
  messageId: string;
  /** Each toewijzing that carries the referentie, with the assignment workflow it started or changed. */
  toewijzingen: { toewijzingNummer: number; assignmentWorkflowId: string }[];
  ontvangen: IsoDate;
}

export const retourSignal = defineSignal<[RequestRetour]>('retour');
export const antwoordSignal = defineSignal<[RequestAntwoord]>('antwoord');
export const honouredSignal = defineSignal<[RequestHonoured]>('gehonoreerd');

// ---- from the provider's system (Update) ----

/**
 * Edit and resend after a 316/318 with retour codes: the API stored the corrected document (the builder
 * accepted it) and hands its key; the workflow sends it as a new message with the same ReferentieAanbieder.
 */
export interface ResendEvent {
  /** Caller's key: the same key again returns the first answer and sends nothing twice. */
  eventId: string;
  payloadRef: string;
  product?: RequestedProduct;
  ingangsdatum?: IsoDate;
  toewijzingNummers?: number[];
}

export interface ResendResult {
  eventId: string;
  accepted: true;
  /** The message it made owed: '315' or '317'. */
  messages: string[];
}

/** Error type name of a refused update; its message starts with the rule id, e.g. 'TR374: …'. */
export const requestRefusedType = 'RequestRefused';

export const resendUpdate = defineUpdate<ResendResult, [ResendEvent]>('resend');

// ---- state (Query) ----

export type RequestStatus =
  | 'nieuw' // accepted, the 315/317 not yet in the outbox
  | 'ingediend' // in the outbox, no retour yet
  | 'ontvangen' // the 316/318 approved it: the gemeente weighs it
  | 'afgekeurd' // the 316/318 rejected it: counts as never sent, waits for the provider's correction
  | 'in-onderzoek' // a 319 "aanvraag in onderzoek": the final answer is due 8 weeks after the dagtekening
  | 'gehonoreerd' // a 301 carried the referentie: closed, linked to its assignment(s)
  | 'afgewezen'; // a 319 "verzoek afgewezen": closed, with the reason

export interface MessageRecord {
  direction: 'in' | 'out';
  type: string;
  /** Inbox id (in) or idempotency key (out). */
  ref: string;
  identificatie?: string;
  status: string;
  on: IsoDate;
}

export interface RequestVersion {
  payloadRef: string;
  status: 'te-verzenden' | 'verzonden' | 'goedgekeurd' | 'afgekeurd' | 'geweigerd';
  identificatie?: string;
  dagtekening?: IsoDate;
  retourCodes?: string[];
}

export interface RequestState {
  workflowId: string;
  kind: RequestKind;
  status: RequestStatus;
  aanbieder: string;
  gemeente: string;
  referentieAanbieder: string;
  clientRef: string;
  product?: RequestedProduct;
  ingangsdatum?: IsoDate;
  toewijzingNummers?: number[];
  /** Every version sent (the first, and each correction after a rejecting 316/318). */
  versions: RequestVersion[];
  /** The 319s received, with the retour codes our 320 gave each. */
  antwoorden: (RequestAntwoord & { retourCodes: string[] })[];
  /** The assignment workflow(s) the honouring 301 started or changed. */
  toewijzingen: { toewijzingNummer: number; assignmentWorkflowId: string; messageId: string }[];
  /** How it ended, once closed. */
  closed?: { as: 'gehonoreerd' | 'afgewezen'; on: IsoDate; redenAfwijzingVerzoek?: string };
  deadlines: TrackedDeadline[];
  /** Terms this request would have but its profile has none for, with the profile's reason. */
  missingTerms: { action: RequestAction; profileId: string; reason: string }[];
  escalations: { deadlineId: string; rule: string; owner: Party; due: IsoDate; on: IsoDate }[];
  messages: MessageRecord[];
  overdue: boolean;
  nextDeadline?: IsoDate;
  profileId: string;
}

export const stateQuery = defineQuery<RequestState>('state');

/** The workflow's result: its final state, or, for a start whose input is not a RequestInput, why not. */
export type RequestResult = RequestState | { refused: string };
