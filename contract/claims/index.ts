import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { IsoDate } from '../../calendar/iso-date';
import type { ProtocolProfile } from '../../calendar/profile';
import type { Mismatch } from '../../declaratie/reconcile';
import type { Eenheid } from '../../declaratie/schemas';
import type { MessageOf } from '../../iwmo/messages';

/*
 * The claims batch workflow's contract: one batch per (aanbieder, gemeente, calendar month) assembles one
 * 323, waits for its 325 and tells each assignment what became of its lines. Side-effect free and
 * plain JSON, so the assignment workflow (hand-over), the inbox router (325), the API (corrections) and the
 * activities import the same definitions. No XML, no BSN, no name: a client is its `clientRef` (keyed
 * hash); the activity that writes the 323 reads the BSN from the stored 301 (`toewijzingMessageId`). The
 * zod schemas of what callers send are in ./schemas.ts, kept out of the workflow bundle.
 */

export const claimsBatchWorkflowType = 'claimsBatchWorkflow';

/** 'YYYY-MM': the calendar month a 323 declares (CS340). */
export type Maand = string;

/**
 * The one builder of a batch's workflow id: `declaratie:{aanbieder}:{gemeente}:{YYYY-MM}`. Deterministic,
 * so every assignment of the month signal-with-starts the same workflow.
 */
export function claimsBatchWorkflowId(aanbieder: string, gemeente: string, maand: Maand): string {
  return `declaratie:${aanbieder}:${gemeente}:${maand}`;
}

const batchIdPattern = /^declaratie:([0-9]{8}):([0-9]{4}):([0-9]{4}-(0[1-9]|1[0-2]))$/;

/** The parts of a batch id, or undefined when `id` is not one. */
export function parseClaimsBatchWorkflowId(
  id: string,
): { aanbieder: string; gemeente: string; maand: Maand } | undefined {
  const m = batchIdPattern.exec(id);
  return m ? { aanbieder: m[1] as string, gemeente: m[2] as string, maand: m[3] as string } : undefined;
}

/**
 * DeclaratieNummer of a batch's 323 (TR333: ≤ 12 letters or digits, unique per aanbieder): gemeente,
 * year, month and a two-digit submission number. Unique per aanbieder because the batch is one per
 * (aanbieder, gemeente, month); the inbox router can read the batch back from it (`batchOfDeclaratieNummer`).
 */
export function declaratieNummerOf(gemeente: string, maand: Maand, indiening = 1): string {
  return `${gemeente}${maand.replace('-', '')}${String(indiening).padStart(2, '0')}`;
}

/** The batch a DeclaratieNummer made by `declaratieNummerOf` belongs to, for the 325's aanbieder. */
export function batchOfDeclaratieNummer(aanbieder: string, declaratieNummer: string): string | undefined {
  const m = /^([0-9]{4})([0-9]{4})(0[1-9]|1[0-2])[0-9]{2}$/.exec(declaratieNummer);
  return m ? claimsBatchWorkflowId(aanbieder, m[1] as string, `${m[2]}-${m[3]}`) : undefined;
}

export interface ClaimsBatchInput {
  aanbieder: string;
  gemeente: string;
  maand: Maand;
  /** The protocol profile of the gemeente: submission and answer terms, periods per message. */
  profile: ProtocolProfile;
  /** Set on continue-as-new: everything the previous run knew. */
  carried?: unknown;
  /** History length at which the batch continues as new (default 20,000; tests set it lower). */
  maxHistoryEvents?: number;
}

// ---- claim lines from assignments (Signal) ----

/** One claim line as an assignment hands it over: a RegelInBericht with the client as its reference. */
export interface ClaimLine {
  /** ProductReferentie/ReferentieNummer (declaratie/referentieNummer): the line's key everywhere. */
  referentieNummer: string;
  toewijzingNummer: number;
  /** Keyed hash of the BSN; the 323 groups lines by it. */
  clientRef: string;
  /** Inbox id of the 301 that carried the toewijzing: where the activity reads the client's BSN. */
  toewijzingMessageId: string;
  categorie: string;
  code: string;
  productPeriode: { begindatum: IsoDate; einddatum: IsoDate };
  volume: number;
  eenheid: Eenheid;
  /** Cents per eenheid; absent for eenheid 83 (CD087). */
  tarief?: number;
  /** Cents, unsigned: volume × tarief (TR346), or the volume for eenheid 83. */
  bedrag: number;
  debetCredit: 'D' | 'C';
  /** A credit names the debit it cancels (CD060, IV091). */
  vorigReferentieNummer?: string;
  /** A resubmission or correction of an earlier month (allowed under periodsPerMessage 'one'). */
  correctie?: boolean;
}

export interface ClaimLinesHandOver {
  /** The assignment workflow the lines come from; outcomes go back to it. */
  assignmentWorkflowId: string;
  /**
   * One key per hand-over (e.g. `{assignmentWorkflowId}:{periodStart}`): a repeated hand-over with the
   * same key is ignored, across continue-as-new too, so a retried activity never claims twice.
   */
  handOverKey: string;
  lines: ClaimLine[];
}

export const claimLinesSignal = defineSignal<[ClaimLinesHandOver]>('claimLines');

// ---- the 325 (Signal, from the inbox router) ----

type Bericht325 = MessageOf<'WMO325'>['bericht'];
type Antwoord = NonNullable<Bericht325['DeclaratieAntwoord']>;
type Client325 = NonNullable<Antwoord['Clienten']>['Client'][number];

/** A 325 client with its BSN replaced by the keyed hash (the router's `clientRef`, as on the lines). */
export type Antwoord325Client = Omit<Client325, 'Bsn'> & { clientRef: string };

/** The decoded 325 with every Client/Bsn replaced by `clientRef`: no field of it holds a BSN. */
export interface Antwoord325 {
  Header: Bericht325['Header'];
  DeclaratieAntwoord?: Omit<Antwoord, 'Clienten'> & { Clienten?: { Client: Antwoord325Client[] } };
}

/**
 * A received 325 routed to its batch: plain decoded data, never XML, and pseudonymised: the router
 * replaces each Client/Bsn by `clientRef` (the same keyed hash the lines carry) before signalling, so no
 * BSN enters the history and the 325 compares with the 323 the workflow assembled from the lines.
 */
export interface AntwoordReceived {
  /** Inbox id of the stored 325 (the archive links it to the 323). */
  inboxMessageId: string;
  /** Day it was received (Europe/Amsterdam). */
  ontvangen: IsoDate;
  antwoord: Antwoord325;
}

export const antwoordSignal = defineSignal<[AntwoordReceived]>('antwoord325');

// ---- outbox delivery (Signal, from the sender): the 325 term counts from it ----

/** Same name and shape as the assignment's: the sender signals whatever workflow wrote the row. */
export interface BatchOutboxDelivered {
  outboxKey: string;
  deliveredAt: string;
  downloadedAt?: string;
}
export const batchOutboxDeliveredSignal = defineSignal<[BatchOutboxDelivered]>('outboxDelivered');

// ---- a confirmed correction (Update, from the API via the assignment's proposal) ----

/** Lines of a correction a person confirmed: a resubmission, or a credit + new debit (IV091). */
export interface CorrectionConfirmed {
  /** Id of the proposal; a repeat is a no-op. */
  correctionId: string;
  assignmentWorkflowId: string;
  lines: ClaimLine[];
}

export type CorrectionResult =
  | { accepted: true; lines: number }
  | { accepted: false; rule: string; message: string };

export const correctionConfirmedUpdate = defineUpdate<CorrectionResult, [CorrectionConfirmed]>(
  'correctionConfirmed',
);

// ---- what goes back to an assignment (Signal the batch sends) ----

/**
 * What became of one line, per ReferentieNummer: `awarded`, `rejected` with the 325's retour codes (or
 * those of a declaration that was not processed), or `returned` — the batch could not take the line
 * (its 323 was already sent, or the hand-over broke a rule: `rule`) and the assignment must hand it to
 * a later batch. Idempotent on the assignment side: the same outcome twice changes nothing.
 */
export type ClaimLineOutcome =
  | { referentieNummer: string; batchWorkflowId: string; status: 'awarded'; bedrag: number }
  | { referentieNummer: string; batchWorkflowId: string; status: 'rejected'; retourCodes: string[] }
  | { referentieNummer: string; batchWorkflowId: string; status: 'returned'; rule: string; reason: string };

export const claimLineOutcomeSignal = defineSignal<[ClaimLineOutcome]>('claimLineOutcome');

// ---- state (Query) ----

export type BatchStatus =
  | 'verzamelen' // collecting lines until the submission moment
  | 'ingediend' // 323 in the outbox, waiting for the 325
  | 'beoordeeld' // 325 applied, outcomes being handed back
  | 'afgerond' // every line settled or handed back
  | 'geweigerd'; // the 323 could not be built or was refused by iwmo/ (escalated, lines handed back)

export type LineStatus = 'verzameld' | 'ingediend' | 'toegekend' | 'afgewezen' | 'teruggegeven';

export interface BatchLineView {
  referentieNummer: string;
  assignmentWorkflowId: string;
  toewijzingNummer: number;
  bedrag: number;
  debetCredit: 'D' | 'C';
  status: LineStatus;
  retourCodes?: string[];
  /** The outcome reached its assignment. */
  handedBack: boolean;
}

export interface BatchState {
  workflowId: string;
  aanbieder: string;
  gemeente: string;
  maand: Maand;
  profile: string;
  status: BatchStatus;
  /** The day the 323 goes out: period end + collection window, never after the submission term. */
  submitOn: IsoDate;
  submissionDue?: IsoDate;
  declaratieNummer: string;
  /** Signed sum of the lines, cents. */
  totaal: number;
  lines: BatchLineView[];
  submission?: { outboxId: string; identificatie: string; dagtekening: IsoDate; deliveredAt?: string };
  /** The 325's term (absent until the 323 was sent). */
  answerDue?: IsoDate;
  answer?: { inboxMessageId: string; ontvangen: IsoDate; kind: 'beoordeeld' | 'niet-verwerkt' };
  /** 325s that did not match the 323: kept (inbox id), escalated, not applied. */
  mismatches: { inboxMessageId: string; rules: Mismatch['rule'][] }[];
  /** Escalations written, by key (each once). */
  escalated: string[];
  /** Hand-overs seen (their keys), across continue-as-new. */
  handOvers: number;
  /** Why the 323 could not be sent (rules), when status is 'geweigerd'. */
  refused?: { rule: string; message: string }[];
}

export const batchStateQuery = defineQuery<BatchState>('state');

/**
 * The state without its lines (their count instead): 'state' lists every line, ~185 bytes each, and a
 * query answer over 2 MB fails (~11,000 lines); large batches are read here and from claim_batch_lines.
 */
export type BatchSummary = Omit<BatchState, 'lines'> & { lineCount: number };
export const batchSummaryQuery = defineQuery<BatchSummary>('summary');

// ---- activities the batch proxies ----

/**
 * The 323 to write. The workflow assembled and checked it from these lines (declaratie/); the activity
 * assembles it again with the BSNs read from the stored 301s (the workflow never holds one), fills the
 * Identificatie from the outbox sequence and validates it with iwmo/ before it is stored.
 */
export interface SubmitDeclaratieInput {
  /** `{batchWorkflowId}:323:{indiening}`: a retry finds its outbox row. */
  idempotencyKey: string;
  batchWorkflowId: string;
  aanbieder: string;
  gemeente: string;
  maand: Maand;
  declaratieNummer: string;
  /** Dagtekening (Europe/Amsterdam, workflow day). */
  dagtekening: IsoDate;
  periodsPerMessage: 'one' | 'several';
  lines: (ClaimLine & { assignmentWorkflowId: string })[];
  /**
   * Set when the lines are too large for one payload (2 MB, ~4,000 lines): `lines` is then empty and the
   * activity reads them from the batch's stash (`stashPart`), `parts` parts under `key`.
   */
  stashedLines?: StashRef;
}

/** Where a value too large for one Temporal payload was written in parts (claim_batch_stash). */
export interface StashRef {
  key: string;
  parts: number;
}

export type SubmitDeclaratieResult =
  | { ok: true; outboxId: string; identificatie: string; duplicate: boolean }
  | { ok: false; findings: { rule: string; message: string }[] };

export interface RecordAntwoordInput {
  batchWorkflowId: string;
  inboxMessageId: string;
  ontvangen: IsoDate;
  kind: 'beoordeeld' | 'niet-verwerkt' | 'mismatch';
  mismatches?: Mismatch[];
  lines?: { referentieNummer: string; status: 'toegekend' | 'afgewezen'; retourCodes?: string[] }[];
}

export interface DeliverOutcomesInput {
  batchWorkflowId: string;
  outcomes: { assignmentWorkflowId: string; outcome: ClaimLineOutcome }[];
}

export interface DeliverOutcomesResult {
  delivered: number;
  /** Assignments that are gone (closed or never existed): their outcomes stay in the batch rows. */
  undeliverable: string[];
}

/** The activities the batch calls; activities/claims/ `satisfies` this. */
export interface ClaimsBatchActivities {
  submitDeclaratie(input: SubmitDeclaratieInput): Promise<SubmitDeclaratieResult>;
  recordAntwoord(input: RecordAntwoordInput): Promise<void>;
  deliverLineOutcomes(input: DeliverOutcomesInput): Promise<DeliverOutcomesResult>;
  /** One part of a large value (JSON text) under its key; writing the same part again is a no-op. */
  stashPart(input: { key: string; part: number; body: string }): Promise<void>;
  /** A part written by stashPart; fails for good (non-retryable 'StashMissing') when it is not there. */
  stashedPart(input: { key: string; part: number }): Promise<string>;
}

/**
 * The existing escalation activity (activities/escalation.ts), which the batch reuses: its input as the
 * batch fills it. A batch is not one toewijzing: toewijzingNummer 0 (the links then point at no assignment).
 */
export interface BatchEscalationInput {
  idempotencyKey: string;
  workflowId: string;
  gemeente: string;
  aanbieder: string;
  toewijzingNummer: 0;
  action: string;
  rule: string;
  owner: 'aanbieder' | 'gemeente';
  dueDate: IsoDate;
  lateWorkingDays: number;
  recipients: ('aanbieder' | 'gemeente')[];
}
export interface BatchEscalationActivities {
  escalate(input: BatchEscalationInput): Promise<{ escalationId: string; delivered: number; failed: number }>;
  /** A late 325 applied after its escalation: the escalation is resolved ('escalation.resolved' webhook). */
  resolveEscalation(
    input: BatchEscalationInput & { metOn: IsoDate },
  ): Promise<{ escalationId: string; delivered: number; failed: number }>;
}
