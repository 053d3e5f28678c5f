import { amsterdamDateOf } from '../../calendar/amsterdam';
import { claimTerms } from '../../calendar/claim-terms';
import { dueDate } from '../../calendar/deadlines';
import { daysInMonth, type IsoDate, minIsoDate } from '../../calendar/iso-date';
import type { ProtocolProfile } from '../../calendar/profile';
import { addWorkingDays, workingDaysBetween } from '../../calendar/working-days';
import type {
  AntwoordReceived,
  BatchEscalationInput,
  BatchLineView,
  BatchState,
  BatchStatus,
  ClaimLine,
  ClaimLineOutcome,
  ClaimLinesHandOver,
  ClaimsBatchInput,
  LineStatus,
  RecordAntwoordInput,
  SubmitDeclaratieInput,
  SubmitDeclaratieResult,
} from '../../contract/claims';
import { declaratieNummerOf } from '../../contract/claims';
import { declaratieInputOf, regelOf, wmo325Of } from '../../contract/claims/convert';
import { assembleDeclaratie, checkRegels, type RegelInBericht, type Wmo323 } from '../../declaratie/assemble';
import { cakMonthFinalOn } from '../../declaratie/cak';
import type { ClaimFinding } from '../../declaratie/findings';
import { type Mismatch, reconcile325 } from '../../declaratie/reconcile';

/*
 * The claims batch's state and rules, pure: no Temporal import, so it is unit-tested on its own
 * (test/unit/workflows/batch-state.test.ts). Handlers call one method each; what needs I/O (outcomes to
 * hand back, 325s to record, escalations) waits in queues the workflow body drains. The fields are
 * private; the query's view is built from an explicit list, and `carry()` is what continue-as-new takes.
 */

/** Collection window when the profile names none (`billing.submitAfterWorkingDays`). */
export const defaultSubmitAfterWorkingDays = 3;

interface Line extends ClaimLine {
  assignmentWorkflowId: string;
  status: LineStatus;
  retourCodes?: string[];
  handedBack: boolean;
}

export interface QueuedOutcome {
  assignmentWorkflowId: string;
  outcome: ClaimLineOutcome;
}

interface Carried {
  v: 1;
  status: BatchStatus;
  lines: Line[];
  handOverKeys: string[];
  correctionIds: string[];
  submission?: BatchState['submission'];
  answer?: BatchState['answer'];
  mismatches: BatchState['mismatches'];
  escalated: string[];
  /** Escalations resolved since (absent in carries from before patch 'batch-resolve'). */
  resolved?: string[];
  refused?: BatchState['refused'];
  queuedOutcomes: QueuedOutcome[];
  queuedRecords: RecordAntwoordInput[];
  sent?: Wmo323;
}

export type HandOverResult =
  | { kind: 'added'; lines: number }
  | { kind: 'duplicate' }
  | { kind: 'returned'; rule: string; reason: string };

const signed = (l: { bedrag: number; debetCredit: 'D' | 'C' }) =>
  l.debetCredit === 'C' ? -l.bedrag : l.bedrag;
const final = (s: LineStatus) => s === 'toegekend' || s === 'afgewezen' || s === 'teruggegeven';

export class ClaimsBatch {
  readonly workflowId: string;
  readonly aanbieder: string;
  readonly gemeente: string;
  readonly maand: string;
  readonly profile: ProtocolProfile;
  #status: BatchStatus = 'verzamelen';
  /** Set once the 323 is assembled: a line arriving while it is written goes to a later batch. */
  #assembled = false;
  readonly #lines = new Map<string, Line>();
  /** TR416's key of every debit held: indexes that keep a hand-over's check O(its own lines) at 10,000. */
  readonly #debitKeys = new Set<string>();
  readonly #handOverKeys = new Set<string>();
  readonly #correctionIds = new Set<string>();
  #submission: BatchState['submission'];
  #sent: Wmo323 | undefined;
  #answer: BatchState['answer'];
  #mismatches: BatchState['mismatches'] = [];
  readonly #escalated = new Set<string>();
  readonly #resolved = new Set<string>();
  #refused: BatchState['refused'];
  #queuedOutcomes: QueuedOutcome[] = [];
  #queuedRecords: RecordAntwoordInput[] = [];

  constructor(input: ClaimsBatchInput, workflowId: string) {
    this.workflowId = workflowId;
    this.aanbieder = input.aanbieder;
    this.gemeente = input.gemeente;
    this.maand = input.maand;
    this.profile = input.profile;
    const c = input.carried as Carried | undefined;
    if (c?.v !== 1) return;
    this.#status = c.status;
    for (const l of c.lines) this.#add(l);
    for (const k of c.handOverKeys) this.#handOverKeys.add(k);
    for (const k of c.correctionIds) this.#correctionIds.add(k);
    for (const k of c.escalated) this.#escalated.add(k);
    for (const k of c.resolved ?? []) this.#resolved.add(k);
    this.#submission = c.submission;
    this.#sent = c.sent;
    this.#answer = c.answer;
    this.#mismatches = c.mismatches;
    this.#refused = c.refused;
    this.#queuedOutcomes = c.queuedOutcomes;
    this.#queuedRecords = c.queuedRecords;
  }

  get status(): BatchStatus {
    return this.#status;
  }

  // ---- the month and the terms ----

  get period(): { begindatum: IsoDate; einddatum: IsoDate } {
    const [y, m] = this.maand.split('-').map(Number) as [number, number];
    return {
      begindatum: `${this.maand}-01`,
      einddatum: `${this.maand}-${String(daysInMonth(y, m)).padStart(2, '0')}`,
    };
  }

  /**
   * The day the month's amounts are final: its last day, or under a 'cak4w' profile the end of the last CAK
   * period touching it (docs/claims.md: the assignments claim the month only then).
   */
  get closesOn(): IsoDate {
    return this.profile.billing.calendar === 'cak4w' ? cakMonthFinalOn(this.period) : this.period.einddatum;
  }

  /** The last day of the submission term (verstuur-323 from the period's close), when the profile has one. */
  get submissionDue(): IsoDate | undefined {
    const term = claimTerms(this.profile).submission;
    return term.kind === 'term' ? dueDate(this.closesOn, term.rule, this.profile.workingDays) : undefined;
  }

  /** Period close + the collection window in working days, but never after the submission term. */
  get submitOn(): IsoDate {
    const window = this.profile.billing.submitAfterWorkingDays ?? defaultSubmitAfterWorkingDays;
    const wanted = addWorkingDays(this.closesOn, window, this.profile.workingDays);
    const due = this.submissionDue;
    return due ? minIsoDate(wanted, due) : wanted;
  }

  /** The 325's term: counted from the 323's delivery to the transport, else from its dagtekening. */
  get answerDue(): IsoDate | undefined {
    const s = this.#submission;
    const term = claimTerms(this.profile).answer;
    if (!s || term.kind !== 'term') return undefined;
    const delivered = s.deliveredAt ? Date.parse(s.deliveredAt) : Number.NaN;
    const from = Number.isNaN(delivered) ? s.dagtekening : amsterdamDateOf(delivered);
    return dueDate(from, term.rule, this.profile.workingDays);
  }

  // ---- hand-overs ----

  /** Lines from an assignment: idempotent by hand-over key; refused whole when they break a rule. */
  handOver(h: ClaimLinesHandOver): HandOverResult {
    if (this.#handOverKeys.has(h.handOverKey)) return { kind: 'duplicate' };
    this.#handOverKeys.add(h.handOverKey);
    const result = this.#take(h.assignmentWorkflowId, h.lines);
    if (result.kind === 'returned')
      this.#returnLines(h.assignmentWorkflowId, h.lines, result.rule, result.reason);
    return result;
  }

  /** A correction a person confirmed: the same path as a hand-over, idempotent by its id. */
  confirmCorrection(correctionId: string, assignmentWorkflowId: string, lines: ClaimLine[]): HandOverResult {
    if (this.#correctionIds.has(correctionId)) return { kind: 'duplicate' };
    const problem = this.#problem(lines.map((l) => ({ ...l, correctie: true })));
    if (problem) return { kind: 'returned', ...problem };
    this.#correctionIds.add(correctionId);
    return this.#take(
      assignmentWorkflowId,
      lines.map((l) => ({ ...l, correctie: true })),
    );
  }

  /**
   * Why `lines` cannot join this batch (the first rule they break), or undefined. The same findings as
   * checkRegels over every line held plus these, in the same order, but computed from the new lines and the
   * batch's indexes (refs, debit keys): checking all lines on each hand-over made 10,000 hand-overs
   * quadratic (~3 minutes of workflow CPU, docs/claims.md "Scale").
   */
  #problem(lines: ClaimLine[]): { rule: string; reason: string } | undefined {
    if (this.#status !== 'verzamelen' || this.#assembled)
      return {
        rule: 'beleid',
        reason: `the 323 of ${this.maand} was already sent: hand the lines to a later batch`,
      };
    if (lines.length === 0) return { rule: 'XSD', reason: 'a hand-over without lines' };
    const own = checkRegels({
      aanbieder: this.aanbieder,
      gemeente: this.gemeente,
      declaratieNummer: declaratieNummerOf(this.gemeente, this.maand),
      berichtIdentificatie: { identificatie: 'x', dagtekening: this.period.einddatum },
      maand: this.period,
      regels: lines.map(toRegel),
      periodsPerMessage: this.profile.billing.periodsPerMessage,
    }).filter((f) => f.message.startsWith('line '));
    const cross: ClaimFinding[] = [];
    for (const l of lines) {
      const at = `line ${l.referentieNummer}`;
      if (this.#lines.has(l.referentieNummer))
        cross.push({
          rule: 'TR101',
          message: `${at}: ReferentieNummer twice in one message`,
        } as ClaimFinding);
      if (l.debetCredit === 'D' && this.#debitKeys.has(debitKey(l)))
        cross.push({
          rule: 'TR416',
          message: `${at}: a second debit for the same toewijzing, product and period`,
        } as ClaimFinding);
      if (l.vorigReferentieNummer !== undefined && this.#lines.has(l.vorigReferentieNummer))
        cross.push({ rule: 'TR316', message: `${at}: credits a debit in the same message` } as ClaimFinding);
    }
    const hit = firstFinding([...own, ...cross], lines);
    return hit && { rule: hit.rule, reason: hit.message };
  }

  #add(l: Line): void {
    this.#lines.set(l.referentieNummer, l);
    if (l.debetCredit === 'D') this.#debitKeys.add(debitKey(l));
  }

  #take(assignmentWorkflowId: string, all: ClaimLine[]): HandOverResult {
    // A line already here from the same assignment (a repeat under another key) is not a second line.
    const lines = all.filter((l) => {
      const have = this.#lines.get(l.referentieNummer);
      return !(have && have.assignmentWorkflowId === assignmentWorkflowId && sameLine(have, l));
    });
    if (all.length > 0 && lines.length === 0) return { kind: 'duplicate' };
    const problem = this.#problem(lines);
    if (problem) return { kind: 'returned', ...problem };
    for (const l of lines) this.#add({ ...l, assignmentWorkflowId, status: 'verzameld', handedBack: false });
    return { kind: 'added', lines: lines.length };
  }

  #returnLines(assignmentWorkflowId: string, lines: ClaimLine[], rule: string, reason: string) {
    for (const l of lines)
      this.#queuedOutcomes.push({
        assignmentWorkflowId,
        outcome: {
          referentieNummer: l.referentieNummer,
          batchWorkflowId: this.workflowId,
          status: 'returned',
          rule,
          reason,
        },
      });
  }

  // ---- the 323 ----

  /** The activity input for the one 323 of this batch, or the findings that stop it. */
  assemble(
    dagtekening: IsoDate,
  ): { ok: true; input: SubmitDeclaratieInput } | { ok: false; findings: ClaimFinding[] } {
    this.#assembled = true;
    const indiening = 1;
    const input: SubmitDeclaratieInput = {
      idempotencyKey: `${this.workflowId}:323:${indiening}`,
      batchWorkflowId: this.workflowId,
      aanbieder: this.aanbieder,
      gemeente: this.gemeente,
      maand: this.maand,
      declaratieNummer: declaratieNummerOf(this.gemeente, this.maand, indiening),
      dagtekening,
      periodsPerMessage: this.profile.billing.periodsPerMessage,
      lines: [...this.#lines.values()].map(({ status: _s, retourCodes: _r, handedBack: _h, ...l }) => l),
    };
    // Checked here with client references; the activity assembles the same message with the BSNs.
    const built = assembleDeclaratie(declaratieInputOf(input, (ref) => ref, ''));
    return built.ok ? { ok: true, input } : built;
  }

  /** The activity's answer: sent (the 325 term opens), or refused (every line goes back with the rule). */
  submitted(input: SubmitDeclaratieInput, result: SubmitDeclaratieResult): void {
    if (!result.ok) {
      this.refuse(result.findings);
      return;
    }
    const built = assembleDeclaratie(declaratieInputOf(input, (ref) => ref, result.identificatie));
    if (!built.ok) {
      this.refuse(built.findings);
      return;
    }
    // The 323 as sent, but with client references: what an incoming (pseudonymised) 325 is matched to.
    this.#sent = built.message;
    this.#submission = {
      outboxId: result.outboxId,
      identificatie: result.identificatie,
      dagtekening: input.dagtekening,
    };
    this.#status = 'ingediend';
    for (const l of this.#lines.values()) l.status = 'ingediend';
  }

  /** No 323 can be built or sent: escalate (the workflow does) and hand every line back. */
  refuse(findings: { rule: string; message: string }[]): void {
    this.#refused = findings.map((f) => ({ rule: f.rule, message: f.message }));
    this.#status = 'geweigerd';
    const rule = findings[0]?.rule ?? 'XSD';
    for (const l of this.#lines.values()) {
      l.status = 'teruggegeven';
      this.#queuedOutcomes.push({
        assignmentWorkflowId: l.assignmentWorkflowId,
        outcome: {
          referentieNummer: l.referentieNummer,
          batchWorkflowId: this.workflowId,
          status: 'returned',
          rule,
          reason: 'the 323 could not be built or was refused before sending',
        },
      });
    }
  }

  /** The sender handed our 323 to the transport: the 325 term counts from that day. */
  delivered(outboxKey: string, deliveredAt: string): boolean {
    if (!this.#submission || outboxKey !== `${this.workflowId}:323:1` || this.#submission.deliveredAt)
      return false;
    this.#submission = { ...this.#submission, deliveredAt };
    return true;
  }

  // ---- the 325 ----

  /** A routed 325: applied when it matches the 323, else kept as a mismatch (escalated once, not applied). */
  receiveAntwoord(a: AntwoordReceived): 'applied' | 'mismatch' | 'duplicate' {
    if (
      this.#answer?.inboxMessageId === a.inboxMessageId ||
      this.#mismatches.some((m) => m.inboxMessageId === a.inboxMessageId)
    )
      return 'duplicate';
    const mismatch = (mismatches: Mismatch[]) => {
      this.#mismatches.push({
        inboxMessageId: a.inboxMessageId,
        rules: [...new Set(mismatches.map((m) => m.rule))],
      });
      this.#queuedRecords.push({ ...recordBase(this.workflowId, a), kind: 'mismatch', mismatches });
      return 'mismatch' as const;
    };
    if (!this.#sent || this.#status !== 'ingediend')
      return mismatch([
        {
          rule: 'IV087',
          message: this.#sent ? 'this 323 was answered already' : 'no 323 of this batch was sent',
        },
      ]);
    let r: ReturnType<typeof reconcile325>;
    try {
      r = reconcile325(this.#sent, wmo325Of(a.antwoord));
    } catch {
      // A decoded 325 without the parts reconcile reads (the router sends what the XSD allows): kept, not applied.
      return mismatch([{ rule: 'IV087', message: 'the 325 lacks parts needed to match it to this 323' }]);
    }
    if (r.kind === 'mismatch') return mismatch(r.mismatches);
    this.#answer = { inboxMessageId: a.inboxMessageId, ontvangen: a.ontvangen, kind: r.kind };
    this.#status = 'beoordeeld';
    const outcomes =
      r.kind === 'niet-verwerkt'
        ? [...this.#lines.keys()].map((ref) => ({
            referentieNummer: ref,
            status: 'afgewezen' as const,
            retourCodes: r.retourCodes,
          }))
        : r.lines;
    for (const o of outcomes) {
      const line = this.#lines.get(o.referentieNummer);
      if (!line) continue;
      line.status = o.status;
      if (o.status === 'afgewezen') line.retourCodes = o.retourCodes;
      this.#queuedOutcomes.push({
        assignmentWorkflowId: line.assignmentWorkflowId,
        outcome:
          o.status === 'toegekend'
            ? {
                referentieNummer: line.referentieNummer,
                batchWorkflowId: this.workflowId,
                status: 'awarded',
                bedrag: signed(line),
              }
            : {
                referentieNummer: line.referentieNummer,
                batchWorkflowId: this.workflowId,
                status: 'rejected',
                retourCodes: o.retourCodes,
              },
      });
    }
    this.#queuedRecords.push({
      ...recordBase(this.workflowId, a),
      kind: r.kind,
      lines: outcomes.map((o) => ({
        referentieNummer: o.referentieNummer,
        status: o.status,
        ...(o.status === 'afgewezen' ? { retourCodes: o.retourCodes } : {}),
      })),
    });
    return 'applied';
  }

  // ---- escalations ----

  /** Escalations due on `today` that were not written yet (each once, by key). */
  toEscalate(today: IsoDate): BatchEscalationInput[] {
    const out: BatchEscalationInput[] = [];
    const base = {
      workflowId: this.workflowId,
      gemeente: this.gemeente,
      aanbieder: this.aanbieder,
      toewijzingNummer: 0 as const,
    };
    const due = this.answerDue;
    const term = claimTerms(this.profile).answer;
    if (this.#status === 'ingediend' && due && due < today && term.kind === 'term') {
      out.push({
        ...base,
        idempotencyKey: `${this.workflowId}:verstuur-325`,
        action: 'verstuur-325',
        rule: term.rule.rule,
        owner: term.rule.owner,
        dueDate: due,
        lateWorkingDays: Math.max(0, workingDaysBetween(due, today, this.profile.workingDays)),
        recipients: [...this.profile.escalation[term.rule.owner]],
      });
    }
    for (const m of this.#mismatches) {
      out.push({
        ...base,
        idempotencyKey: `${this.workflowId}:325-mismatch:${m.inboxMessageId}`,
        action: 'verwerk-325',
        rule: m.rules.join(','),
        owner: 'gemeente',
        dueDate: today,
        lateWorkingDays: 0,
        recipients: [...this.profile.escalation.gemeente],
      });
    }
    if (this.#status === 'geweigerd') {
      const rule = this.#refused?.map((f) => f.rule).join(',') || 'XSD';
      const due = this.submissionDue ?? today;
      out.push({
        ...base,
        idempotencyKey: `${this.workflowId}:verstuur-323`,
        action: 'verstuur-323',
        rule,
        owner: 'aanbieder',
        dueDate: due,
        lateWorkingDays: Math.max(0, workingDaysBetween(due, today, this.profile.workingDays)),
        recipients: [...this.profile.escalation.aanbieder],
      });
    }
    return out.filter((e) => !this.#escalated.has(e.idempotencyKey));
  }

  escalated(key: string): void {
    this.#escalated.add(key);
  }

  /**
   * The missing-325 escalation, when a matching 325 was applied after it: to resolve (once), with the day
   * it came and how late by then. A mismatching 325 resolves nothing (it is escalated itself).
   */
  toResolve(): (BatchEscalationInput & { metOn: IsoDate }) | undefined {
    const key = `${this.workflowId}:verstuur-325`;
    const due = this.answerDue;
    const term = claimTerms(this.profile).answer;
    if (!this.#answer || !due || term.kind !== 'term') return undefined;
    if (!this.#escalated.has(key) || this.#resolved.has(key)) return undefined;
    const metOn = this.#answer.ontvangen;
    return {
      idempotencyKey: key,
      workflowId: this.workflowId,
      gemeente: this.gemeente,
      aanbieder: this.aanbieder,
      toewijzingNummer: 0,
      action: 'verstuur-325',
      rule: term.rule.rule,
      owner: term.rule.owner,
      dueDate: due,
      lateWorkingDays: Math.max(0, workingDaysBetween(due, metOn, this.profile.workingDays)),
      recipients: [...this.profile.escalation[term.rule.owner]],
      metOn,
    };
  }

  resolved(key: string): void {
    this.#resolved.add(key);
  }

  // ---- I/O queues ----

  get queuedOutcomes(): readonly QueuedOutcome[] {
    return this.#queuedOutcomes;
  }

  /** The outcomes were handed to their assignments (or found undeliverable and left in the batch rows). */
  outcomesHandedBack(n: number): void {
    for (const q of this.#queuedOutcomes.slice(0, n)) {
      const line = this.#lines.get(q.outcome.referentieNummer);
      if (line && line.assignmentWorkflowId === q.assignmentWorkflowId) line.handedBack = true;
    }
    this.#queuedOutcomes = this.#queuedOutcomes.slice(n);
  }

  get queuedRecords(): readonly RecordAntwoordInput[] {
    return this.#queuedRecords;
  }

  recorded(n: number): void {
    this.#queuedRecords = this.#queuedRecords.slice(n);
  }

  /** Every line settled (awarded/rejected) or handed back, every outcome delivered, every record written. */
  get finished(): boolean {
    if (this.#status === 'verzamelen' || this.#status === 'ingediend') return false;
    if (this.#queuedOutcomes.length || this.#queuedRecords.length) return false;
    return [...this.#lines.values()].every((l) => final(l.status) && l.handedBack);
  }

  /** Something the workflow body must do now (I/O queued). */
  get hasWork(): boolean {
    return this.#queuedOutcomes.length > 0 || this.#queuedRecords.length > 0;
  }

  markFinished(): void {
    if (this.#status === 'beoordeeld') this.#status = 'afgerond';
  }

  // ---- what leaves the workflow ----

  /** The query's answer, from an explicit list of public fields (no queues, no sent message, no profile body). */
  view(): BatchState {
    const lines: BatchLineView[] = [...this.#lines.values()].map((l) => ({
      referentieNummer: l.referentieNummer,
      assignmentWorkflowId: l.assignmentWorkflowId,
      toewijzingNummer: l.toewijzingNummer,
      bedrag: l.bedrag,
      debetCredit: l.debetCredit,
      status: l.status,
      ...(l.retourCodes ? { retourCodes: [...l.retourCodes] } : {}),
      handedBack: l.handedBack,
    }));
    const answerDue = this.answerDue;
    const submissionDue = this.submissionDue;
    return {
      workflowId: this.workflowId,
      aanbieder: this.aanbieder,
      gemeente: this.gemeente,
      maand: this.maand,
      profile: this.profile.id,
      status: this.#status,
      submitOn: this.submitOn,
      ...(submissionDue ? { submissionDue } : {}),
      declaratieNummer: declaratieNummerOf(this.gemeente, this.maand),
      totaal: lines.reduce((s, l) => s + signed(l), 0),
      lines,
      ...(this.#submission ? { submission: { ...this.#submission } } : {}),
      ...(answerDue ? { answerDue } : {}),
      ...(this.#answer ? { answer: { ...this.#answer } } : {}),
      mismatches: this.#mismatches.map((m) => ({ inboxMessageId: m.inboxMessageId, rules: [...m.rules] })),
      escalated: [...this.#escalated],
      handOvers: this.#handOverKeys.size,
      ...(this.#refused ? { refused: this.#refused.map((f) => ({ ...f })) } : {}),
    };
  }

  /** Everything a continued run needs, dedupe keys included. */
  carry(): Carried {
    return {
      v: 1,
      status: this.#status,
      lines: [...this.#lines.values()],
      handOverKeys: [...this.#handOverKeys],
      correctionIds: [...this.#correctionIds],
      ...(this.#submission ? { submission: this.#submission } : {}),
      ...(this.#answer ? { answer: this.#answer } : {}),
      mismatches: this.#mismatches,
      escalated: [...this.#escalated],
      ...(this.#resolved.size ? { resolved: [...this.#resolved] } : {}),
      ...(this.#refused ? { refused: this.#refused } : {}),
      queuedOutcomes: this.#queuedOutcomes,
      queuedRecords: this.#queuedRecords,
      ...(this.#sent ? { sent: this.#sent } : {}),
    };
  }
}

const toRegel = (l: ClaimLine): RegelInBericht => regelOf(l, l.clientRef);

/** checkRegels' TR416 key: one debit per toewijzing, product and period. */
const debitKey = (l: ClaimLine) =>
  `${l.toewijzingNummer}|${l.categorie}|${l.code}|${l.productPeriode.begindatum}|${l.productPeriode.einddatum}`;

// checkRegels' order: line by line (TR101, CD060, CS337, TR319, profile, TR416), then every TR316.
const ruleOrder = ['TR101', 'CD060', 'CS337', 'TR319', 'profile', 'TR416'];

/** The finding checkRegels over (held lines + `lines`) would list first for one of `lines`. */
function firstFinding(findings: ClaimFinding[], lines: ClaimLine[]): ClaimFinding | undefined {
  const index = new Map(lines.map((l, i) => [`line ${l.referentieNummer}:`, i]));
  const rank = (f: ClaimFinding) => {
    const i = index.get(f.message.slice(0, f.message.indexOf(':') + 1)) ?? lines.length;
    return f.rule === 'TR316' ? lines.length * 10 + i : i * 10 + ruleOrder.indexOf(f.rule);
  };
  return findings.reduce<ClaimFinding | undefined>(
    (a, f) => (a === undefined || rank(f) < rank(a) ? f : a),
    undefined,
  );
}

function sameLine(a: ClaimLine, b: ClaimLine): boolean {
  return JSON.stringify(toRegel(a)) === JSON.stringify(toRegel(b)) && a.clientRef === b.clientRef;
}

function recordBase(batchWorkflowId: string, a: AntwoordReceived) {
  return { batchWorkflowId, inboxMessageId: a.inboxMessageId, ontvangen: a.ontvangen };
}
