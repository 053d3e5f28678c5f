import { defineUpdate } from '@temporalio/workflow';
import type { IsoDate } from '../../calendar/iso-date';
import type { ProtocolProfile } from '../../calendar/profile';
import type { Contract } from '../../declaratie';
import type { ClaimLine, ClaimLinesHandOver, Maand } from '../claims';

/*
 * The money half of the assignment's contract (issue 15): the lines it claimed and what became of them,
 * the corrections a person confirms, the settlement once every line is final and the payment it waits
 * for. The batch (contract/claims) assembles the 323s; the assignment owns its lines. Plain JSON, no BSN:
 * a line carries the clientRef, the activity reads the BSN from the stored 301 when it builds the 323.
 */

/** Where one of the assignment's lines stands. */
export type AssignmentLineStatus =
  | 'aangeboden' // handed to its batch, not answered yet
  | 'toegekend' // awarded by a 325
  | 'afgewezen' // rejected by a 325: a correction is proposed
  | 'gecrediteerd' // an awarded line cancelled by a credit (IV091)
  | 'opgegeven'; // a person gave it up (definitive: it never pays)

export interface AssignmentLineView {
  referentieNummer: string;
  maand: Maand;
  batchWorkflowId: string;
  debetCredit: 'D' | 'C';
  productPeriode: { begindatum: IsoDate; einddatum: IsoDate };
  volume: number;
  /** Cents, unsigned. */
  bedrag: number;
  status: AssignmentLineStatus;
  retourCodes?: string[];
  /** For a resubmission or a credit: the line it follows up. */
  vorigReferentieNummer?: string;
}

/** Why a billing period gave no (or a smaller) line: the declaratie/ finding, per month. */
export interface ClaimFindingView {
  maand: Maand;
  rule: string;
  reason: string;
  message: string;
}

/**
 * A proposed correction of a rejected line (a resubmission) or of an awarded line that was wrong (credit +
 * new debit in a later 323). Proposed by the workflow from the retour codes (declaratie/corrections.ts);
 * a person confirms, edits or gives it up through the API (`confirmCorrectionUpdate`).
 */
export interface CorrectionProposal {
  /** `{referentieNummer}:{n}`: unique per assignment. */
  correctionId: string;
  referentieNummer: string;
  soort: 'herindienen' | 'credit-en-debet' | 'opgeven-voorstel';
  retourCodes: string[];
  /** What the proposal changes and why (field + retour code + explanation). */
  wijzigingen: { veld: string; retourCode: string; toelichting: string }[];
  /** The lines that would be handed to the next batch when confirmed unchanged. */
  lines: ClaimLine[];
  status: 'voorgesteld' | 'bevestigd' | 'opgegeven';
  /** The correction term's last day (the seed protocol: 10 working days after the rejection). */
  due?: IsoDate;
  /** Without a term: which profile lacks one and why (e.g. iWmo 3.2 sets none). */
  termijn?: string;
  /** The proposal changes something the codes do not settle (a volume, a code without a prescription). */
  controleNodig?: boolean;
  /** The rule the batch named when it handed the line back (a 'returned' outcome), if that caused it. */
  teruggegeven?: { rule: string; reason: string };
}

/** What a person decides about a proposal. `eventId` makes the call idempotent like start/stop. */
export interface ConfirmCorrectionEvent {
  eventId: string;
  correctionId: string;
  /** 'bevestigen' hands the (possibly edited) lines on; 'opgeven' gives the line up for good. */
  besluit: 'bevestigen' | 'opgeven';
  /** Edits, only with 'bevestigen': a new volume and/or product period of the (new) debit line. */
  wijziging?: { volume?: number; productPeriode?: { begindatum: IsoDate; einddatum: IsoDate } };
}

/** The settlement of an ended assignment whose lines are all final (awarded, credited or given up). */
export interface SettlementView {
  /** The day it was recorded (Europe/Amsterdam). */
  on: IsoDate;
  /** Net awarded cents (debits − credits) and the lines behind it. */
  totaal: number;
  lines: { referentieNummer: string; debetCredit: 'D' | 'C'; bedrag: number }[];
  /** Expected payment: `on` + the profile's payment term (the seed protocol: 10 working days). */
  paymentDue?: IsoDate;
  payments: { eventId: string; betaaldatum: IsoDate; bedrag: number; kenmerk?: string }[];
  /** 'betaald' once the payments cover `totaal`. */
  status: 'open' | 'betaald' | 'te-laat';
}

/** A payment the provider received for this assignment (from its bank statement or payment file). */
export interface PaymentEvent {
  eventId: string;
  betaaldatum: IsoDate;
  /** Cents, > 0. */
  bedrag: number;
  /** The gemeente's payment reference, letters/digits only (no personal data). */
  kenmerk?: string;
}

/** The claims part of AssignmentState. */
export interface AssignmentClaimsState {
  lines: AssignmentLineView[];
  findings: ClaimFindingView[];
  corrections: CorrectionProposal[];
  settlement?: SettlementView;
  /** Why the workflow has not finished although care ended: lines still open, or a payment awaited. */
  waitingFor?: string;
}

/**
 * An awarded line turned out wrong: propose a credit of it (VorigReferentieNummer, same volume and
 * amount, IV091) and a new debit with the corrected volume/period. Both go to a later 323 than the
 * original's (TR316) once a person confirms the proposal (`confirmCorrectionUpdate`). Volume 0: credit only.
 */
export interface ReviseAwardedLineEvent {
  eventId: string;
  referentieNummer: string;
  volume: number;
  productPeriode?: { begindatum: IsoDate; einddatum: IsoDate };
}

export const reviseAwardedLineUpdate = defineUpdate<
  { accepted: true; correctionId: string },
  [ReviseAwardedLineEvent]
>('reviseAwardedLine');

export const confirmCorrectionUpdate = defineUpdate<
  { accepted: true; correctionId: string; status: CorrectionProposal['status'] },
  [ConfirmCorrectionEvent]
>('confirmCorrection');

export const recordPaymentUpdate = defineUpdate<
  { accepted: true; status: SettlementView['status']; betaald: number },
  [PaymentEvent]
>('recordPayment');

// ---- activities ----

/** Hands lines to the batch of (aanbieder, gemeente, maand): signal-with-start by claimsBatchWorkflowId. */
export interface HandOverClaimLinesInput {
  aanbieder: string;
  gemeente: string;
  maand: Maand;
  handOver: ClaimLinesHandOver;
  /** The gemeente's profile: the batch's input when the hand-over starts it. */
  profile: ProtocolProfile;
}

/** Written once per assignment (idempotent by workflowId); the webhook is signed like escalations. */
export interface SettlementInput {
  workflowId: string;
  gemeente: string;
  aanbieder: string;
  toewijzingNummer: number;
  settlement: Omit<SettlementView, 'payments' | 'status'>;
}

export interface PaymentRecordInput {
  workflowId: string;
  gemeente: string;
  aanbieder: string;
  payment: PaymentEvent;
}

export interface AssignmentClaimActivities {
  /** The contract of (aanbieder, gemeente) from config/contracts (undefined: none), for claimLines. */
  contractFor: (input: { aanbieder: string; gemeente: string }) => Promise<Contract | undefined>;
  handOverClaimLines: (input: HandOverClaimLinesInput) => Promise<void>;
  recordSettlement: (input: SettlementInput) => Promise<void>;
  recordPayment: (input: PaymentRecordInput) => Promise<void>;
}
