import { claimTerms } from '../../calendar/claim-terms';
import type { DeadlineBook } from '../../calendar/deadline-book';
import { dueDate } from '../../calendar/deadlines';
import { addDays, type IsoDate, tryParseIsoDate } from '../../calendar/iso-date';
import { periodOf } from '../../calendar/periods';
import type {
  AssignmentClaimsState,
  AssignmentLineView,
  ConfirmCorrectionEvent,
  CorrectionProposal,
  DeliveryState,
  PaymentEvent,
  ReviseAwardedLineEvent,
  ToewijzingVersion,
} from '../../contract/assignment';
import {
  type ClaimLine,
  type ClaimLineOutcome,
  claimsBatchWorkflowId,
  type Maand,
} from '../../contract/claims';
import {
  type Contract,
  cakMonthFinalOn,
  claimLines,
  type Declaratieregel,
  type Eenheid,
  type EerderGedeclareerd,
  type Frequentie,
  type Levering,
  proposeCreditEnDebet,
  proposeHerindiening,
  type RegelInBericht,
  referentieNummer,
  type ToewijzingVoorDeclaratie,
} from '../../declaratie';
import { careWindow } from './deliveries';

/*
 * The money half of one assignment (behind patch 'claim-lines'), pure like the rest of the state: which
 * months to claim, their lines (declaratie/claimLines over what the workflow knows), what became of each
 * line (the batch's claimLineOutcome), correction proposals a person confirms, and the settlement and
 * payment once every line is final. No BSN: a line carries the clientRef and the 301's inbox id; the
 * batch's activity reads the BSN when it writes the 323. Time comes in as `today`.
 */

/** A hand-over queued for the main loop (handOverClaimLines), keyed so a retry is a no-op at the batch. */
export interface PendingHandOver {
  key: string;
  maand: Maand;
  lines: ClaimLine[];
}

/** What the claims part carries across continue-as-new besides the public AssignmentClaimsState. */
export interface ClaimsWork {
  /** The first month whose lines are not computed yet ('YYYY-MM'); absent once no month can follow. */
  nextMaand?: Maand;
  /** The contract as last read (null: none), for correction proposals made in a signal handler. */
  contract?: Contract | null;
  /** The full lines by ReferentieNummer: a resubmission or credit starts from them. */
  full: Record<string, ClaimLine>;
  pending: PendingHandOver[];
  /** Outcomes taken in (`{ref}:{status}:{batch}`): a repeat is a no-op. */
  seenOutcomes: string[];
  /** Update answers by the caller's event id (confirm, revise, payment): the same event, the same answer. */
  events: Record<string, unknown>;
  /** recordSettlement is owed (set once, cleared when written). */
  settlementOwed?: boolean;
  /** Payments to write with recordPayment. */
  paymentsOwed: PaymentEvent[];
  /** The last day the payment is watched for (see docs/assignment-workflow.md). */
  watchUntil?: IsoDate;
  /** Hand-overs so far (keys of re-handed lines). */
  handOvers: number;
  /**
   * Behind patch 'claim-late-starts': months computed while no start was reported yet (a toewijzing that
   * arrived after its months ended, or a 305 still on its way at the month's end). Claimed again once a
   * start is reported, instead of never.
   */
  awaitingStart?: Maand[];
  /** Reported starts when those months were last computed: only a new one computes them again. */
  awaitingSeen?: number;
}

/** Working days the payment is watched after its due day (or after the settlement without a term). */
export const paymentGraceWorkingDays = 20;
const keepFindings = 36;
const keepEvents = 500;

/** A refusal of a claims update: the rule it broke and what was wrong (no client data). */
export class ClaimRefusal extends Error {
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super(`${rule}: ${message}`);
  }
}

const monthOf = (date: IsoDate): Maand => date.slice(0, 7);
const monthRange = (maand: Maand) => {
  const p = periodOf(`${maand}-01`, 'month');
  return { begindatum: p.start, einddatum: p.end };
};
const nextMonth = (maand: Maand): Maand => monthOf(addDays(monthRange(maand).einddatum, 1));
const final = new Set<AssignmentLineView['status']>(['toegekend', 'gecrediteerd', 'opgegeven']);
const reportedStarts = (h: ClaimsHost) =>
  h.deliveries.filter((d) => d.start.status !== 'deleted' && h.startReported(d)).length;
/** Findings of a month that had nothing to claim only because no start was reported (yet). */
const startNotReported = new Set(['geen-start', 'start-niet-gemeld']);

export interface ClaimsHost {
  workflowId: string;
  toewijzing: ToewijzingVersion;
  deliveries: DeliveryState[];
  /** Whether the 305 of a delivery was delivered to the gemeente (and not rejected). */
  startReported: (d: DeliveryState) => boolean;
  /** Care ended for good (definitive stop) or never started and the toewijzing ended. */
  careOver: boolean;
  deleted: boolean;
}

export class Claims {
  constructor(
    readonly pub: AssignmentClaimsState,
    readonly w: ClaimsWork,
    private readonly book: DeadlineBook,
    private readonly profile: { id: string } & Parameters<typeof claimTerms>[0],
    /** Patch 'claim-late-starts': a month without a reported start is claimed again once there is one. */
    private readonly lateStarts = false,
  ) {}

  static fresh(ingangsdatum: IsoDate): { pub: AssignmentClaimsState; w: ClaimsWork } {
    return {
      pub: { lines: [], findings: [], corrections: [] },
      w: {
        nextMaand: monthOf(ingangsdatum),
        full: {},
        pending: [],
        seenOutcomes: [],
        events: {},
        paymentsOwed: [],
        handOvers: 0,
      },
    };
  }

  // ---- months to claim ----

  /** The day after which a month's amounts are final: its end, or under CAK its last period's end. */
  private finalOn(maand: Maand): IsoDate {
    const m = monthRange(maand);
    return this.profile.billing.calendar === 'cak4w' ? cakMonthFinalOn(m) : m.einddatum;
  }

  /** The last day that can still hold care to claim (undefined: open). */
  private lastDay(h: ClaimsHost): IsoDate | undefined {
    const w = careWindow(h.deliveries, h.toewijzing.einddatum);
    if (h.careOver && w?.to) return w.to;
    return h.toewijzing.einddatum;
  }

  /** Months whose amounts are final by `today` and not computed yet, in order. */
  monthsDue(h: ClaimsHost, today: IsoDate): Maand[] {
    if (h.deleted) return [];
    const last = this.lastDay(h);
    const due: Maand[] = [];
    for (let m = this.w.nextMaand; m !== undefined; m = nextMonth(m)) {
      if (last !== undefined && `${m}-01` > last) break;
      if (this.finalOn(m) >= today) break;
      due.push(m);
    }
    return due;
  }

  /** The moment the next month becomes final (its final day), while one can still come. */
  nextMoment(h: ClaimsHost): IsoDate | undefined {
    const m = this.w.nextMaand;
    if (m === undefined || h.deleted) return undefined;
    const last = this.lastDay(h);
    if (last !== undefined && `${m}-01` > last) return undefined;
    return this.finalOn(m);
  }

  /** Every month that can hold care has been computed. */
  private monthsDone(h: ClaimsHost): boolean {
    return this.nextMoment(h) === undefined;
  }

  /** A month's lines and findings from what this run knows today (the pure rules in claimLines). */
  private linesOf(h: ClaimsHost, maand: Maand, contract: Contract | undefined, today: IsoDate) {
    return claimLines({
      toewijzing: this.toewijzingFor(h.toewijzing),
      leveringen: this.leveringen(h),
      maand: monthRange(maand),
      contract,
      eerder: this.eerder(),
      peildatum: today,
    });
  }

  /** Computes the lines of every due month and queues their hand-overs; findings say why not (more). */
  computeMonths(h: ClaimsHost, contract: Contract | undefined, today: IsoDate): void {
    this.w.contract = contract ?? null;
    for (const maand of this.monthsDue(h, today)) {
      const result = this.linesOf(h, maand, contract, today);
      for (const f of result.findings)
        this.pub.findings.push({ maand, rule: f.rule, reason: f.reason, message: f.message });
      if (this.pub.findings.length > keepFindings)
        this.pub.findings.splice(0, this.pub.findings.length - keepFindings);
      const lines = result.lines.map((l) => this.claimLine(h, l));
      if (lines.length > 0) this.handOver(h, `${h.workflowId}:${maand}`, maand, lines);
      else if (this.lateStarts && result.findings.some((f) => startNotReported.has(f.reason)))
        this.w.awaitingStart = [...(this.w.awaitingStart ?? []), maand].slice(-keepFindings);
      this.w.nextMaand = nextMonth(maand);
    }
  }

  /** A month computed before its start was reported can be claimed now: a start reached the gemeente. */
  awaitingDue(h: ClaimsHost): boolean {
    if (!this.lateStarts || !this.w.awaitingStart?.length || h.deleted) return false;
    return reportedStarts(h) > (this.w.awaitingSeen ?? 0);
  }

  /**
   * Computes those months again (same key as their first computation, which handed nothing over); a
   * month whose start is still not reported stays waiting. Lines of a batch that has sent its 323 go to a
   * later one like any other (handOverFailed).
   */
  computeAwaiting(h: ClaimsHost, contract: Contract | undefined, today: IsoDate): void {
    if (!this.awaitingDue(h)) return;
    this.w.contract = contract ?? null;
    const still: Maand[] = [];
    for (const maand of this.w.awaitingStart ?? []) {
      const result = this.linesOf(h, maand, contract, today);
      const lines = result.lines.map((l) => this.claimLine(h, l));
      if (lines.length > 0) this.handOver(h, `${h.workflowId}:${maand}`, maand, lines);
      else if (result.findings.some((f) => f.reason === 'start-niet-gemeld')) still.push(maand);
    }
    this.w.awaitingStart = still;
    this.w.awaitingSeen = reportedStarts(h);
  }

  /** A start that may still be reported (its 305 owed or on its way) can make a waiting month claimable. */
  private awaitingPossible(h: ClaimsHost): boolean {
    if (!this.lateStarts || !this.w.awaitingStart?.length || h.deleted) return false;
    return h.deliveries.some(
      (d) => d.start.status !== 'deleted' && d.start.status !== 'rejected' && !h.startReported(d),
    );
  }

  private leveringen(h: ClaimsHost): Levering[] {
    const out: Levering[] = [];
    for (const d of h.deliveries) {
      if (d.start.status === 'deleted') continue;
      const start =
        d.start.status === 'rejected' ? 'afgewezen' : h.startReported(d) ? 'gemeld' : 'niet-gemeld';
      const stopped = d.stop && d.stop.status !== 'deleted' && d.einddatum && d.redenBeeindiging;
      out.push({
        begindatum: d.begindatum,
        start,
        ...(stopped
          ? { stop: { einddatum: d.einddatum as IsoDate, redenBeeindiging: d.redenBeeindiging as string } }
          : {}),
      });
    }
    return out;
  }

  /** What claimLines needs of the toewijzing; no BSN in the workflow (the line carries the clientRef). */
  private toewijzingFor(t: ToewijzingVersion): ToewijzingVoorDeclaratie {
    return {
      toewijzingNummer: t.toewijzingNummer,
      bsn: '',
      product: {
        categorie: t.product?.categorie ?? '',
        ...(t.product?.code ? { code: t.product.code } : {}),
      },
      ingangsdatum: t.ingangsdatum,
      ...(t.einddatum ? { einddatum: t.einddatum } : {}),
      ...(t.omvang
        ? {
            omvang: {
              volume: t.omvang.volume,
              eenheid: t.omvang.eenheid as Eenheid,
              frequentie: t.omvang.frequentie as Frequentie,
            },
          }
        : {}),
      ...(t.budget === undefined ? {} : { budget: t.budget }),
    };
  }

  /** Net volume and amount claimed so far (debits − credits), not counting rejected or given-up lines. */
  private eerder(): EerderGedeclareerd {
    let volume = 0;
    let bedrag = 0;
    for (const l of this.pub.lines) {
      if (l.status === 'afgewezen' || l.status === 'opgegeven') continue;
      const sign = l.debetCredit === 'D' ? 1 : -1;
      volume += sign * l.volume;
      bedrag += sign * l.bedrag;
    }
    return { volume, bedrag };
  }

  private claimLine(h: ClaimsHost, l: Declaratieregel): ClaimLine {
    const t = h.toewijzing;
    return {
      referentieNummer: referentieNummer({
        gemeente: t.gemeente,
        toewijzingNummer: l.toewijzingNummer,
        periode: l.productPeriode.begindatum,
        productCode: l.code,
        volgnummer: 0,
      }),
      toewijzingNummer: l.toewijzingNummer,
      clientRef: t.clientRef,
      toewijzingMessageId: t.messageId,
      categorie: l.categorie,
      code: l.code,
      productPeriode: l.productPeriode,
      volume: l.volume,
      eenheid: l.eenheid,
      ...(l.tarief === undefined ? {} : { tarief: l.tarief }),
      bedrag: l.bedrag,
      debetCredit: 'D',
    };
  }

  /** Queues lines for the batch of `maand` and shows them as offered. */
  private handOver(h: ClaimsHost, key: string, maand: Maand, lines: ClaimLine[]): void {
    const t = h.toewijzing;
    const batchWorkflowId = claimsBatchWorkflowId(t.aanbieder, t.gemeente, maand);
    this.w.handOvers++;
    this.w.pending.push({ key, maand, lines });
    for (const l of lines) {
      this.w.full[l.referentieNummer] = l;
      const view: AssignmentLineView = {
        referentieNummer: l.referentieNummer,
        maand: monthOf(l.productPeriode.begindatum),
        batchWorkflowId,
        debetCredit: l.debetCredit,
        productPeriode: l.productPeriode,
        volume: l.volume,
        bedrag: l.bedrag,
        status: 'aangeboden',
        ...(l.vorigReferentieNummer ? { vorigReferentieNummer: l.vorigReferentieNummer } : {}),
      };
      const at = this.pub.lines.findIndex((v) => v.referentieNummer === l.referentieNummer);
      if (at >= 0) this.pub.lines[at] = view;
      else this.pub.lines.push(view);
    }
  }

  /** The main loop wrote the hand-over (the batch has it, or will ignore a repeat by its key). */
  handedOver(key: string): void {
    this.w.pending = this.w.pending.filter((p) => p.key !== key);
  }

  /**
   * The hand-over could not reach its batch: one that has ended ('BatchClosed') → the lines go to the
   * current month's batch as earlier-month lines; anything else (or already the current month) → each
   * line gets a proposal naming the failure, for a person to decide.
   */
  handOverFailed(h: ClaimsHost, key: string, errorType: string, reason: string, today: IsoDate): void {
    const failed = this.w.pending.find((p) => p.key === key);
    this.handedOver(key);
    if (!failed) return;
    const later = monthOf(today);
    if (errorType === 'BatchClosed' && failed.maand < later) {
      const lines = failed.lines.map((l) => ({ ...l, correctie: true }));
      this.handOver(h, `${h.workflowId}:terug:${this.w.handOvers}`, later, lines);
      return;
    }
    for (const l of failed.lines) {
      const line = this.pub.lines.find((v) => v.referentieNummer === l.referentieNummer);
      if (!line) continue;
      line.status = 'afgewezen';
      this.proposeFor(h, line, [], today, { rule: errorType, reason });
    }
  }

  // ---- outcomes from the batch ----

  /** Applies one outcome; the same one again (at-least-once delivery) changes nothing. */
  outcome(h: ClaimsHost, o: ClaimLineOutcome, today: IsoDate): boolean {
    const key = `${o.referentieNummer}:${o.status}:${o.batchWorkflowId}`;
    if (this.w.seenOutcomes.includes(key)) return false;
    const line = this.pub.lines.find((l) => l.referentieNummer === o.referentieNummer);
    // Only an offered line in that batch can get an outcome: a stale or stray one is ignored.
    if (line?.status !== 'aangeboden' || line.batchWorkflowId !== o.batchWorkflowId) return false;
    this.w.seenOutcomes.push(key);
    if (this.w.seenOutcomes.length > keepEvents) this.w.seenOutcomes.shift();
    if (o.status === 'awarded') {
      line.status = 'toegekend';
      if (line.debetCredit === 'C') {
        const original = this.pub.lines.find((l) => l.referentieNummer === line.vorigReferentieNummer);
        if (original) original.status = 'gecrediteerd';
      }
    } else if (o.status === 'rejected') {
      line.status = 'afgewezen';
      line.retourCodes = o.retourCodes;
      this.proposeFor(h, line, o.retourCodes, today);
    } else {
      const later = monthOf(today);
      const full = this.w.full[line.referentieNummer] as ClaimLine;
      if (
        claimsBatchWorkflowId(h.toewijzing.aanbieder, h.toewijzing.gemeente, later) !== line.batchWorkflowId
      ) {
        // Its 323 had gone out already: the next open batch takes it, as an earlier month's line.
        this.handOver(h, `${h.workflowId}:terug:${this.w.handOvers}`, later, [{ ...full, correctie: true }]);
      } else {
        // The batch refused it by a rule: a person decides (a proposal without retour codes).
        line.status = 'afgewezen';
        this.proposeFor(h, line, [], today, { rule: o.rule, reason: o.reason });
      }
    }
    return true;
  }

  private ctx(h: ClaimsHost) {
    return {
      gemeente: h.toewijzing.gemeente,
      toewijzing: this.toewijzingFor(h.toewijzing),
      contract: this.w.contract ?? undefined,
    };
  }

  private regel(l: ClaimLine): RegelInBericht {
    const { clientRef: _c, toewijzingMessageId: _m, ...rest } = l;
    return { ...rest, bsn: '' };
  }

  private lineOf(r: RegelInBericht, from: ClaimLine): ClaimLine {
    const { bsn: _, ...rest } = r;
    return { ...rest, clientRef: from.clientRef, toewijzingMessageId: from.toewijzingMessageId };
  }

  private correctionId(ref: string): string {
    return `${ref}:${this.pub.corrections.filter((c) => c.referentieNummer === ref).length + 1}`;
  }

  /** A resubmission proposal for a rejected line, with the profile's correction term as a deadline. */
  private proposeFor(
    h: ClaimsHost,
    line: AssignmentLineView,
    retourCodes: string[],
    today: IsoDate,
    teruggegeven?: { rule: string; reason: string },
  ): void {
    const full = this.w.full[line.referentieNummer] as ClaimLine;
    const p = proposeHerindiening(this.ctx(h), this.regel(full), retourCodes);
    const correctionId = this.correctionId(line.referentieNummer);
    const proposal: CorrectionProposal = {
      correctionId,
      referentieNummer: line.referentieNummer,
      soort: p.soort,
      retourCodes,
      wijzigingen:
        p.soort === 'herindienen'
          ? p.wijzigingen.map((w) => ({ veld: w.veld, retourCode: w.retourCode, toelichting: w.toelichting }))
          : [{ veld: 'geen', retourCode: retourCodes.join(','), toelichting: p.toelichting }],
      lines: p.soort === 'herindienen' ? [this.lineOf(p.regel, full)] : [],
      status: 'voorgesteld',
      ...(p.soort === 'herindienen' && p.controleNodig ? { controleNodig: true } : {}),
      ...(teruggegeven ? { teruggegeven } : {}),
    };
    this.withTerm(proposal, today);
    this.pub.corrections.push(proposal);
  }

  /** The correction term as a deadline (subject: the proposal), or which profile has none. */
  private withTerm(proposal: CorrectionProposal, today: IsoDate): void {
    const term = claimTerms(this.profile).correction;
    if (term.kind === 'none') {
      proposal.termijn = `profile '${this.profile.id}' has no correction term: ${term.reason}`;
      return;
    }
    const [d] = this.book.open('325-ontvangen-met-afwijzingen', today, { subject: proposal.correctionId });
    if (d) proposal.due = d.due;
  }

  // ---- corrections a person decides (updates) ----

  validateConfirm(e: ConfirmCorrectionEvent): void {
    if (this.w.events[e.eventId] !== undefined) return;
    const c = this.pub.corrections.find((x) => x.correctionId === e.correctionId);
    if (!c) throw new ClaimRefusal('correctie-onbekend', `no correction ${e.correctionId}`);
    if (c.status !== 'voorgesteld')
      throw new ClaimRefusal('correctie-besloten', `correction ${e.correctionId} is already ${c.status}`);
    if (e.besluit === 'opgeven') {
      if (e.wijziging) throw new ClaimRefusal('correctie-wijziging', 'giving up takes no edit');
      return;
    }
    if (c.lines.length === 0)
      throw new ClaimRefusal(
        'correctie-opgeven',
        `correction ${e.correctionId} proposes to give the line up: confirm 'opgeven' or revise the line`,
      );
    if (e.wijziging) this.checkEdit(c, e.wijziging);
  }

  private checkEdit(c: CorrectionProposal, w: NonNullable<ConfirmCorrectionEvent['wijziging']>): void {
    if (c.soort === 'credit-en-debet')
      throw new ClaimRefusal('correctie-wijziging', 'a credit is not edited: revise the line again instead');
    if (w.volume !== undefined && !(Number.isInteger(w.volume) && w.volume > 0))
      throw new ClaimRefusal('correctie-wijziging', 'volume must be a whole number > 0');
    const p = w.productPeriode;
    if (p) {
      const line = c.lines[0] as ClaimLine;
      const month = monthRange(monthOf(line.productPeriode.begindatum));
      if (!tryParseIsoDate(p.begindatum) || !tryParseIsoDate(p.einddatum) || p.begindatum > p.einddatum)
        throw new ClaimRefusal('correctie-wijziging', 'productPeriode must be two dates, begin ≤ end');
      if (p.begindatum < month.begindatum || p.einddatum > month.einddatum)
        throw new ClaimRefusal('CS337', `the product period must lie in ${monthOf(month.begindatum)}`);
    }
  }

  confirm(h: ClaimsHost, e: ConfirmCorrectionEvent, today: IsoDate) {
    const known = this.w.events[e.eventId];
    if (known) return known as { accepted: true; correctionId: string; status: CorrectionProposal['status'] };
    const c = this.pub.corrections.find((x) => x.correctionId === e.correctionId) as CorrectionProposal;
    const original = this.pub.lines.find((l) => l.referentieNummer === c.referentieNummer);
    if (e.besluit === 'opgeven') {
      c.status = 'opgegeven';
      if (original && original.status === 'afgewezen') original.status = 'opgegeven';
      this.book.cancel((d) => d.subject === c.correctionId);
    } else {
      c.status = 'bevestigd';
      const lines = c.lines.map((l) => this.edited(l, e.wijziging));
      this.handOver(h, `${h.workflowId}:correctie:${c.correctionId}`, monthOf(today), lines);
      // The rejected line is replaced by its resubmission: final for the settlement ('opgegeven' = not paid).
      if (original && original.status === 'afgewezen') original.status = 'opgegeven';
      this.book.close('correctie-verzonden', today, c.correctionId);
    }
    return this.remember(e.eventId, {
      accepted: true as const,
      correctionId: c.correctionId,
      status: c.status,
    });
  }

  private edited(l: ClaimLine, w: ConfirmCorrectionEvent['wijziging']): ClaimLine {
    if (!w) return { ...l, correctie: true };
    const volume = w.volume ?? l.volume;
    const bedrag = l.eenheid === '83' ? volume : volume * (l.tarief ?? 0);
    return { ...l, volume, bedrag, productPeriode: w.productPeriode ?? l.productPeriode, correctie: true };
  }

  validateRevise(h: ClaimsHost, e: ReviseAwardedLineEvent): void {
    if (this.w.events[e.eventId] !== undefined) return;
    const line = this.pub.lines.find((l) => l.referentieNummer === e.referentieNummer);
    if (!line) throw new ClaimRefusal('regel-onbekend', `no line ${e.referentieNummer}`);
    if (line.debetCredit !== 'D' || line.status !== 'toegekend')
      throw new ClaimRefusal(
        'TR323',
        `only an awarded debit can be credited; ${e.referentieNummer} is ${line.status}`,
      );
    const open = this.pub.corrections.some(
      (c) =>
        c.referentieNummer === e.referentieNummer &&
        c.soort === 'credit-en-debet' &&
        c.status !== 'opgegeven',
    );
    if (open)
      throw new ClaimRefusal('correctie-besloten', `line ${e.referentieNummer} is being corrected already`);
    if (!Number.isInteger(e.volume) || e.volume < 0)
      throw new ClaimRefusal('correctie-wijziging', 'volume must be a whole number ≥ 0');
    if (e.productPeriode) {
      const c = {
        lines: [this.w.full[e.referentieNummer] as ClaimLine],
        soort: 'herindienen',
      } as CorrectionProposal;
      this.checkEdit(c, { productPeriode: e.productPeriode });
    }
    const full = this.w.full[e.referentieNummer] as ClaimLine;
    const p = proposeCreditEnDebet(this.ctx(h), this.regel(full), {
      volume: Math.max(e.volume, 1),
      ...(e.productPeriode ? { productPeriode: e.productPeriode } : {}),
    });
    if ('fout' in p) throw new ClaimRefusal('TR418', p.fout);
  }

  revise(h: ClaimsHost, e: ReviseAwardedLineEvent) {
    const known = this.w.events[e.eventId];
    if (known) return known as { accepted: true; correctionId: string };
    const full = this.w.full[e.referentieNummer] as ClaimLine;
    const p = proposeCreditEnDebet(this.ctx(h), this.regel(full), {
      volume: Math.max(e.volume, 1),
      ...(e.productPeriode ? { productPeriode: e.productPeriode } : {}),
    });
    if ('fout' in p) throw new ClaimRefusal('TR418', p.fout); // checked by the validator
    const lines = [this.lineOf(p.credit, full), ...(e.volume > 0 ? [this.lineOf(p.debet, full)] : [])];
    const proposal: CorrectionProposal = {
      correctionId: this.correctionId(e.referentieNummer),
      referentieNummer: e.referentieNummer,
      soort: 'credit-en-debet',
      retourCodes: [],
      wijzigingen: [
        {
          veld: 'volume',
          retourCode: '',
          toelichting: `credit of the awarded line (IV091) and a new debit of volume ${e.volume}`,
        },
      ],
      lines,
      status: 'voorgesteld',
    };
    // No correction term: it runs from a 325's rejection (seed protocol), and this line was awarded.
    this.pub.corrections.push(proposal);
    return this.remember(e.eventId, { accepted: true as const, correctionId: proposal.correctionId });
  }

  private remember<T>(eventId: string, result: T): T {
    this.w.events[eventId] = result;
    const ids = Object.keys(this.w.events);
    for (const old of ids.slice(0, Math.max(0, ids.length - keepEvents))) delete this.w.events[old];
    return result;
  }

  // ---- settlement and payment ----

  /** Why the assignment cannot settle yet, or undefined when every line is final (or there are none). */
  openReason(h: ClaimsHost): string | undefined {
    if (!this.monthsDone(h)) return `month ${this.w.nextMaand} is not claimed yet`;
    if (this.w.pending.length > 0) return `${this.w.pending.length} hand-over(s) to the claims batch pending`;
    const open = this.pub.lines.filter((l) => !final.has(l.status));
    const proposals = this.pub.corrections.filter((c) => c.status === 'voorgesteld');
    if (proposals.length > 0)
      return `correction(s) ${proposals.map((c) => c.correctionId).join(', ')} await a decision`;
    if (open.length > 0)
      return `line(s) ${open.map((l) => `${l.referentieNummer} (${l.status})`).join(', ')} not final`;
    return undefined;
  }

  /** Records the settlement once (care over, every line final, at least one line): true when it did. */
  settleIfDue(h: ClaimsHost, today: IsoDate): boolean {
    if (this.pub.settlement || !h.careOver || this.pub.lines.length === 0) return false;
    if (this.openReason(h) !== undefined) return false;
    const counted = this.pub.lines.filter((l) => l.status === 'toegekend' || l.status === 'gecrediteerd');
    const totaal = counted.reduce((t, l) => t + (l.debetCredit === 'D' ? l.bedrag : -l.bedrag), 0);
    const [d] = this.book.open('declaratie-toegekend', today, { subject: 'betaling' });
    const rules = this.profile.workingDays;
    const grace = { workingDays: paymentGraceWorkingDays } as Parameters<typeof dueDate>[1];
    this.w.watchUntil = dueDate(d?.due ?? today, grace, rules);
    this.pub.settlement = {
      on: today,
      totaal,
      lines: counted.map((l) => ({
        referentieNummer: l.referentieNummer,
        debetCredit: l.debetCredit,
        bedrag: l.bedrag,
      })),
      ...(d ? { paymentDue: d.due } : {}),
      payments: [],
      status: totaal <= 0 ? 'betaald' : 'open',
    };
    if (totaal <= 0) this.book.close('betaling-verricht', today, 'betaling');
    this.w.settlementOwed = true;
    return true;
  }

  validatePayment(e: PaymentEvent, today: IsoDate): void {
    if (this.w.events[e.eventId] !== undefined) return;
    if (!this.pub.settlement)
      throw new ClaimRefusal('betaling-zonder-afrekening', 'the assignment has not settled yet');
    if (!Number.isInteger(e.bedrag) || e.bedrag <= 0)
      throw new ClaimRefusal('betaling-bedrag', 'bedrag must be a whole number of cents > 0');
    if (typeof e.betaaldatum !== 'string' || !tryParseIsoDate(e.betaaldatum))
      throw new ClaimRefusal('betaling-datum', 'betaaldatum must be a date YYYY-MM-DD');
    if (e.betaaldatum > today) throw new ClaimRefusal('betaling-datum', 'betaaldatum lies in the future');
    if (e.kenmerk !== undefined && !/^[A-Za-z0-9]{1,35}$/.test(e.kenmerk))
      throw new ClaimRefusal('betaling-kenmerk', 'kenmerk must be 1–35 letters or digits');
  }

  pay(e: PaymentEvent, today: IsoDate) {
    const known = this.w.events[e.eventId];
    if (known) return known as { accepted: true; status: 'open' | 'betaald' | 'te-laat'; betaald: number };
    const s = this.pub.settlement as NonNullable<AssignmentClaimsState['settlement']>;
    const payment = {
      eventId: e.eventId,
      betaaldatum: e.betaaldatum,
      bedrag: e.bedrag,
      ...(e.kenmerk ? { kenmerk: e.kenmerk } : {}),
    };
    s.payments.push(payment);
    this.w.paymentsOwed.push(payment);
    const betaald = s.payments.reduce((t, p) => t + p.bedrag, 0);
    if (betaald >= s.totaal) {
      s.status = 'betaald';
      this.book.close('betaling-verricht', today, 'betaling');
    }
    return this.remember(e.eventId, { accepted: true as const, status: s.status, betaald });
  }

  /** After the watch (due + grace) an unpaid settlement is given up on: 'te-laat', the workflow may end. */
  onDayPassed(today: IsoDate): void {
    const s = this.pub.settlement;
    if (!s || s.status === 'betaald' || !this.w.watchUntil || today <= this.w.watchUntil) return;
    s.status = 'te-laat';
    this.book.cancel((d) => d.subject === 'betaling');
  }

  /** The last day of the payment watch, while one runs: the workflow wakes after it. */
  watchEnd(): IsoDate | undefined {
    const s = this.pub.settlement;
    return s && s.status === 'open' ? this.w.watchUntil : undefined;
  }

  /** Settled and paid (or the watch ended), or nothing to settle: the claims part lets the workflow end. */
  done(h: ClaimsHost): boolean {
    if (this.w.settlementOwed || this.w.paymentsOwed.length > 0) return false;
    if (this.awaitingPossible(h)) return false;
    if (this.pub.lines.length === 0) return this.w.pending.length === 0 && (this.monthsDone(h) || h.deleted);
    const s = this.pub.settlement;
    return !!s && s.status !== 'open';
  }

  /** Says why the workflow stays open (state.claims.waitingFor). */
  refreshWaitingFor(h: ClaimsHost, careEnded: boolean): void {
    let why: string | undefined;
    if (careEnded) {
      const s = this.pub.settlement;
      if (!s) why = this.openReason(h);
      else if (s.status === 'open')
        why = s.paymentDue
          ? `payment of ${s.totaal} cents due ${s.paymentDue} (watched until ${this.w.watchUntil})`
          : `payment of ${s.totaal} cents; profile '${this.profile.id}' has no payment term (watched until ${this.w.watchUntil})`;
    }
    if (why) this.pub.waitingFor = why;
    else delete this.pub.waitingFor;
  }
}
