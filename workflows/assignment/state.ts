import { amsterdamDateOf, endOfAmsterdamDay } from '../../calendar/amsterdam';
import { DeadlineBook } from '../../calendar/deadline-book';
import { addDays, type IsoDate, maxIsoDate } from '../../calendar/iso-date';
import { type Period, periodOf } from '../../calendar/periods';
import type { ProtocolProfile } from '../../calendar/profile';
import {
  type AssignmentInput,
  type AssignmentProjection,
  type AssignmentState,
  type AssignmentStatus,
  type CorrectionEvent,
  type DeadlineState,
  type DeliveryState,
  type EventResult,
  type OutboxDelivered,
  type OutgoingMessage,
  type RetourReceived,
  retour302Key,
  type SendMessageResult,
  type StartEvent,
  type StopEvent,
  type ToewijzingVersion,
} from '../../contract/assignment';
import { compareToewijzingVersions, isDeletedToewijzing } from '../../iwmo/toewijzing-version';
import { Claims, type ClaimsHost, type ClaimsWork } from './claims';
import { careWindow, currentDelivery, findDelivery, runningDelivery, startedEver } from './deliveries';
import { checkCorrection, checkStart, checkStop } from './event-rules';
import { type IoFailure, ioFailed, ioSucceeded, ioWaiting, retryDelay, setAside } from './io';

/*
 * One assignment's lifecycle as a state object: every handler of the workflow is one call on it, and
 * the workflow's main loop asks it what to do next (send, escalate, hand a period to claims, end).
 * Pure and deterministic: time comes in as an argument, I/O goes out as work items.
 */

/** A message this assignment owes, waiting for the main loop to hand it to `sendMessage`. */
export interface OwedMessage {
  key: string;
  message: OutgoingMessage;
  /** Which delivery (index into deliveries) and which part of it the message is about. */
  delivery?: number;
  part?: 'start' | 'stop';
}

/** Everything carried across continue-as-new: plain JSON only. */
export interface CarriedState extends AssignmentState {
  profile: ProtocolProfile;
  seq: number;
  /** Grows with every write of the read model, so an older write never overwrites a newer one. */
  revision: number;
  /** Update results by the caller's event id: the same event again gets the same answer, in any run. */
  processedEvents: Record<string, EventResult>;
  /** Inbox ids of the 301s and retours already taken in (re-delivery is a no-op). */
  seenMessages: string[];
  owed: OwedMessage[];
  /** Identificatie of every 305/307 sent → what it was about, to match the 306/308 on it. */
  sent: Record<string, { part: 'start' | 'stop'; delivery: number; statusAanlevering: '1' | '3' }>;
  /** Set once the last care day and its billing period are known to be behind us. */
  lastClaimedEnd?: string;
  /**
   * 305/307s in the outbox (behind 'delivery-deadlines'), by owed key, until the transport delivered
   * them (and, when it reports it, the recipient downloaded them): the terms count from then.
   */
  awaiting?: Record<string, AwaitingDelivery>;
  /** Delivery signals that overtook the outbox write's result (the poller was quicker), by owed key. */
  early?: Record<string, OutboxDelivered>;
  /** Behind 'claim-lines': the private half of the claims state (full lines, queued I/O, dedupe keys). */
  claimsWork?: ClaimsWork;
}

export interface AwaitingDelivery {
  identificatie: string;
  part: 'start' | 'stop';
  statusAanlevering: '1' | '3';
  /** Set once delivered: the counterparty's term runs from then until a download moves it. */
  deliveredOn?: string;
}

const keepEventIds = 500;
const retourApproved = (codes: string[]) => codes.every((c) => c === '0200');

/**
 * The fields of the state the query shows, in this order: a field not listed here stays private, also
 * one a later change adds to CarriedState. The type check below fails when AssignmentState gains a
 * field that is not listed (or lists one it does not have).
 */
export const publicFields = [
  'workflowId',
  'status',
  'toewijzing',
  'versions',
  'deliveries',
  'deadlines',
  'messages',
  'escalations',
  'overdue',
  'nextDeadline',
  'profileId',
  'claimPeriods',
  'io',
  'claims',
] as const satisfies readonly (keyof AssignmentState)[];
type Unlisted = Exclude<keyof AssignmentState, (typeof publicFields)[number]>;
const everyPublicFieldListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyPublicFieldListed;

/** What the search attributes show; the workflow upserts them when one changed. */
export interface AssignmentSummary {
  gemeente: string;
  aanbieder: string;
  clientRef: string;
  status: AssignmentStatus;
  overdue: boolean;
  nextDeadline?: IsoDate;
  /** Absent while nothing ever failed (io unset). */
  ioFailing?: boolean;
}

export class Assignment {
  private readonly s: CarriedState;
  private readonly book: DeadlineBook;
  private readonly ledger: Claims | undefined;

  /** The version the workflow was started with, taken in by `init` (a carried state already has it). */
  private firstVersion: ToewijzingVersion | undefined;

  /**
   * @param countFromDelivery behind patch 'delivery-deadlines': our 305/307 deadline is met, and the
   * gemeente's 306/308 term starts, on delivery by the transport (download where reported), not on the
   * outbox write.
   */
  constructor(
    input: AssignmentInput,
    private readonly countFromDelivery = false,
    claimLines = false,
    claimLateStarts = false,
  ) {
    this.s = (input.carried as CarriedState | undefined) ?? freshState(input);
    this.book = new DeadlineBook(this.s.deadlines, this.s.profile, () => ++this.s.seq);
    if (claimLines && (!this.s.claims || !this.s.claimsWork)) {
      // A run from before the patch continues here: months from the next unclaimed period on.
      const fresh = Claims.fresh(
        this.s.lastClaimedEnd ? addDays(this.s.lastClaimedEnd, 1) : input.toewijzing.ingangsdatum,
      );
      this.s.claims = fresh.pub;
      this.s.claimsWork = fresh.w;
    }
    this.ledger =
      claimLines && this.s.claims && this.s.claimsWork
        ? new Claims(this.s.claims, this.s.claimsWork, this.book, this.s.profile, claimLateStarts)
        : undefined;
    this.firstVersion = input.carried === undefined ? input.toewijzing : undefined;
  }

  init(workflowId: string, now: number): void {
    this.s.workflowId = workflowId;
    const first = this.firstVersion;
    this.firstVersion = undefined;
    if (first) this.receiveVersion(first, now);
  }

  get profile(): ProtocolProfile {
    return this.s.profile;
  }

  today(now: number): IsoDate {
    return amsterdamDateOf(now);
  }

  // ---- what the main loop asks ----

  workflowId(): string {
    return this.s.workflowId;
  }

  /** The current (applied) toewijzing version. */
  toewijzing(): ToewijzingVersion {
    return this.s.toewijzing;
  }

  /** Messages made owed and not yet written to the outbox, oldest first. */
  owedMessages(): readonly OwedMessage[] {
    return this.s.owed;
  }

  /** Nothing is waiting to be written: the state can be carried into a new run. */
  canContinueAsNew(): boolean {
    return this.s.owed.length === 0;
  }

  /** The input of the next run: everything this one knows, as plain JSON. */
  carry(): AssignmentInput {
    return { toewijzing: this.s.toewijzing, profile: this.s.profile, carried: this.s };
  }

  /** Open deadlines past their last day, not yet escalated. */
  toEscalate(now: number): DeadlineState[] {
    return this.book.toEscalate(this.today(now));
  }

  /** Working days between a due day and today (0 when not late). */
  lateness(due: IsoDate, now: number): number {
    return this.book.lateness(due, this.today(now));
  }

  /** Escalated deadlines met since: marked resolved (their recipients are told once), and returned. */
  resolve(): DeadlineState[] {
    const met = this.book.toResolve();
    for (const d of met) d.resolved = true;
    return met;
  }

  /** What the search attributes show. */
  summary(): AssignmentSummary {
    const t = this.s.toewijzing;
    return {
      gemeente: t.gemeente,
      aanbieder: t.aanbieder,
      clientRef: t.clientRef,
      status: this.s.status,
      overdue: this.s.overdue,
      ...(this.s.nextDeadline ? { nextDeadline: this.s.nextDeadline } : {}),
      ...(this.s.io ? { ioFailing: this.s.io.failing } : {}),
    };
  }

  /** The next revision of the read-model row: each write gets a higher one. */
  nextRevision(): number {
    return ++this.s.revision;
  }

  /** The read-model row (codes and keys only), at the current revision. */
  projection(): AssignmentProjection {
    const t = this.s.toewijzing;
    return {
      workflowId: this.s.workflowId,
      gemeente: t.gemeente,
      toewijzingNummer: t.toewijzingNummer,
      aanbieder: t.aanbieder,
      clientRef: t.clientRef,
      ...(t.product?.categorie ? { productCategorie: t.product.categorie } : {}),
      ...(t.product?.code ? { productCode: t.product.code } : {}),
      ingangsdatum: t.ingangsdatum,
      ...(t.einddatum ? { einddatum: t.einddatum } : {}),
      profile: this.s.profile.id,
      status: this.s.status,
      overdue: this.s.overdue,
      revision: this.s.revision,
      ...(this.s.nextDeadline ? { nextDeadline: this.s.nextDeadline } : {}),
      openDeadlines: this.s.deadlines
        .filter((d) => d.status === 'open')
        .map((d) => ({
          id: d.id,
          action: d.action,
          owner: d.owner,
          rule: d.rule,
          due: d.due,
          escalated: !!d.escalated,
        })),
    };
  }

  /**
   * The query's answer: the public fields only (publicFields), as a copy. `overdue` is computed for the
   * answer: a query must never change what the main loop later decides.
   */
  view(now: number): AssignmentState {
    const shown: Record<string, unknown> = {};
    for (const field of publicFields) if (this.s[field] !== undefined) shown[field] = this.s[field];
    const copy = JSON.parse(JSON.stringify(shown)) as AssignmentState;
    copy.overdue = this.book.overdue(this.today(now));
    return copy;
  }

  // ---- 301 versions (signal) ----

  receiveVersion(v: ToewijzingVersion, now: number): void {
    const seenKey = `301:${v.messageId}`;
    if (this.s.seenMessages.includes(seenKey)) return; // the same 301 delivered again
    this.remember(seenKey);
    this.s.messages.push({
      direction: 'in',
      type: 'WMO301',
      ref: v.messageId,
      status: 'ontvangen',
      on: v.ontvangen,
    });
    this.owe302(v);

    const first = this.s.versions.length === 0;
    const order = first ? 1 : compareToewijzingVersions(v, this.s.toewijzing);
    const record = {
      toewijzingsdatum: v.toewijzingsdatum,
      toewijzingstijd: v.toewijzingstijd,
      messageId: v.messageId,
    };
    if (order <= 0) {
      // Arrival order means nothing (OP080): an older or identical version is recorded and changes nothing.
      this.s.versions.push({ ...record, applied: false, reason: order === 0 ? 'identical' : 'older' });
      return;
    }
    this.s.versions.push({ ...record, applied: true });
    const previous = this.s.toewijzing;
    this.s.toewijzing = v;
    this.apply(v, first ? undefined : previous, now);
  }

  private owe302(v: ToewijzingVersion): void {
    this.book.open('301-ontvangen', v.ontvangen, {
      subject: v.messageId,
      keep: (action) => action === 'verstuur-302' || (action === 'verstuur-305' && this.startOwed()),
    });
    // One 302 answers the whole 301, however many workflows it fanned out to: the outbox's key for it.
    this.s.owed.push({
      key: retour302Key(v.messageId),
      message: { type: 'WMO302', heenMessageId: v.messageId, retourCodes: [] },
    });
  }

  private apply(v: ToewijzingVersion, previous: ToewijzingVersion | undefined, now: number): void {
    const today = this.today(now);
    if (isDeletedToewijzing(v)) {
      // RedenWijziging 13: treated as never sent; nothing is owed any more but the 302 on this 301.
      this.s.status = 'verwijderd';
      this.book.cancel((d) => d.action !== 'verstuur-302');
      this.s.owed = this.s.owed.filter((o) => o.message.type === 'WMO302');
      return;
    }
    if (this.s.status === 'verwijderd')
      this.s.status = currentDelivery(this.s.deliveries) ? 'in-zorg' : 'toegewezen';
    if (!startedEver(this.s.deliveries)) {
      // Until the provider reports the actual start, care is expected on the Ingangsdatum (OP271:
      // counted from the 301's receipt when the toewijzing is retroactive).
      if (previous && previous.ingangsdatum !== v.ingangsdatum)
        this.book.cancel((d) => d.action === 'verstuur-305' && !d.escalated);
      this.book.open('zorg-gestart', maxIsoDate(v.ingangsdatum, v.ontvangen), {
        keep: () => this.startOwed(),
      });
    }
    if (v.einddatum && v.einddatum < today && runningDelivery(this.s.deliveries)) {
      // Withdrawal: the end moved into the past while care runs → a 307 is owed (counted from receipt).
      this.book.open('zorg-gestopt', maxIsoDate(v.einddatum, v.ontvangen), {
        keep: (a) => a === 'verstuur-307',
      });
    }
    this.onDayPassed(now);
  }

  // ---- lifecycle events (updates) ----

  known(eventId: string): EventResult | undefined {
    return this.s.processedEvents[eventId];
  }

  /** Validators: a known event passes (its first answer is returned); otherwise the rules decide. */
  validateStart(e: StartEvent, now: number): void {
    if (!this.known(e.eventId)) checkStart(this.s, e, this.today(now));
  }

  validateStop(e: StopEvent, now: number): void {
    if (!this.known(e.eventId)) checkStop(this.s, e, this.today(now));
  }

  validateCorrection(e: CorrectionEvent, now: number): void {
    if (!this.known(e.eventId)) checkCorrection(this.s, e, this.today(now));
  }

  start(e: StartEvent, now: number): EventResult {
    const known = this.known(e.eventId);
    if (known) return known;
    const today = this.today(now);
    const current = currentDelivery(this.s.deliveries);
    let index: number;
    if (current && current.start.status === 'rejected' && !current.stop) {
      // A rejected 305 counts as never sent: the corrected start replaces it.
      current.begindatum = e.begindatum;
      current.start = { status: 'owed' };
      index = this.s.deliveries.indexOf(current);
    } else {
      index = this.s.deliveries.push({ begindatum: e.begindatum, start: { status: 'owed' } }) - 1;
    }
    // The actual start replaces the expected one (OP271: retroactive → from the 301's receipt).
    const startDate = maxIsoDate(e.begindatum, this.s.toewijzing.ontvangen);
    if (this.book.openFor('verstuur-305').length > 0)
      this.book.rebase('verstuur-305', 'zorg-gestart', startDate);
    else this.book.open('zorg-gestart', startDate, { keep: (a) => a === 'verstuur-305' });
    const late = Math.max(
      0,
      ...this.book.openFor('verstuur-305').map((d) => this.book.lateness(d.due, today)),
    );
    this.owe('305', index, e.begindatum, undefined, '1', e.eventId);
    this.s.status = 'in-zorg';
    this.s.lastClaimedEnd = undefined;
    return this.answer(e.eventId, ['305'], late);
  }

  stop(e: StopEvent, now: number): EventResult {
    const known = this.known(e.eventId);
    if (known) return known;
    const today = this.today(now);
    const current = currentDelivery(this.s.deliveries) as DeliveryState;
    const index = this.s.deliveries.indexOf(current);
    const afterTemporary = current.redenBeeindiging === '20' && current.stop?.status !== 'rejected';
    current.einddatum = e.einddatum;
    current.redenBeeindiging = e.redenBeeindiging;
    current.stop = { status: 'owed' };
    // OP272: 5 wd after the actual end; a definitive stop after a temporary one counts from when it became known.
    const stopDate = afterTemporary ? today : e.einddatum;
    if (this.book.openFor('verstuur-307').length === 0)
      this.book.open('zorg-gestopt', stopDate, { keep: (a) => a === 'verstuur-307' });
    const late = Math.max(
      0,
      ...this.book.openFor('verstuur-307').map((d) => this.book.lateness(d.due, today)),
    );
    this.owe('307', index, current.begindatum, current, '1', e.eventId);
    this.s.status = e.redenBeeindiging === '20' ? 'tijdelijk-gestopt' : 'gestopt';
    return this.answer(e.eventId, ['307'], late);
  }

  correct(e: CorrectionEvent, now: number): EventResult {
    const known = this.known(e.eventId);
    if (known) return known;
    const delivery = findDelivery(this.s.deliveries, e) as DeliveryState;
    const index = this.s.deliveries.indexOf(delivery);
    const messages: string[] = [];
    if (e.target === 'start') {
      // StatusAanlevering 3 deletes the earlier start with the same key; the replacement is a new delivery.
      this.owe('305', index, delivery.begindatum, undefined, '3', `${e.eventId}:delete`);
      delivery.start = { ...delivery.start, status: 'deleted' };
      messages.push('305');
      if (e.replacement?.begindatum) {
        const fresh =
          this.s.deliveries.push({ begindatum: e.replacement.begindatum, start: { status: 'owed' } }) - 1;
        this.owe('305', fresh, e.replacement.begindatum, undefined, '1', `${e.eventId}:new`);
        messages.push('305');
      }
      this.s.status = currentDelivery(this.s.deliveries) ? 'in-zorg' : 'toegewezen';
    } else {
      this.owe('307', index, delivery.begindatum, delivery, '3', `${e.eventId}:delete`);
      messages.push('307');
      const r = e.replacement;
      if (r?.einddatum && r.redenBeeindiging) {
        delivery.einddatum = r.einddatum;
        delivery.redenBeeindiging = r.redenBeeindiging;
        delivery.stop = { status: 'owed' };
        this.owe('307', index, delivery.begindatum, delivery, '1', `${e.eventId}:new`);
        messages.push('307');
        this.s.status = r.redenBeeindiging === '20' ? 'tijdelijk-gestopt' : 'gestopt';
      } else {
        delivery.stop = undefined;
        delivery.einddatum = undefined;
        delivery.redenBeeindiging = undefined;
        this.s.status = 'in-zorg';
      }
    }
    this.s.lastClaimedEnd = undefined;
    this.onDayPassed(now);
    return this.answer(e.eventId, messages, undefined);
  }

  // ---- retours (signal) ----

  receiveRetour(r: RetourReceived, now: number): void {
    const seenKey = `retour:${r.messageId}`;
    if (this.s.seenMessages.includes(seenKey)) return;
    this.remember(seenKey);
    const sent = this.s.sent[r.heenIdentificatie];
    const approved = retourApproved(r.retourCodes);
    this.s.messages.push({
      direction: 'in',
      type: r.messageType,
      ref: r.messageId,
      identificatie: r.heenIdentificatie,
      status: sent ? (approved ? 'goedgekeurd' : 'afgekeurd') : 'niet-gekoppeld',
      on: r.ontvangen,
    });
    if (!sent) return;
    this.book.close(
      r.messageType === 'WMO306' ? '306-verzonden' : '308-verzonden',
      r.ontvangen,
      r.heenIdentificatie,
    );
    const delivery = this.s.deliveries[sent.delivery];
    const part = delivery?.[sent.part];
    if (!delivery || !part || sent.statusAanlevering === '3' || part.identificatie !== r.heenIdentificatie)
      return;
    part.status = approved ? 'approved' : 'rejected';
    part.retourCodes = r.retourCodes;
    if (!approved) {
      // A rejected 305/307 counts as not sent: the provider's deadline opens again, from the retour.
      this.book.reopen(sent.part === 'start' ? 'verstuur-305' : 'verstuur-307', r.ontvangen, r.retourCodes);
    }
    this.onDayPassed(now);
  }

  // ---- work for the main loop ----

  /** Called after `sendMessage` stored the message: closes the sender's deadline, opens the receiver's. */
  sent(owed: OwedMessage, result: SendMessageResult, now: number): void {
    const today = this.today(now);
    this.s.owed = this.s.owed.filter((o) => o.key !== owed.key);
    const type = owed.message.type;
    this.s.messages.push({
      direction: 'out',
      type,
      ref: owed.key,
      identificatie: result.identificatie,
      status: 'verzonden',
      on: today,
    });
    if (owed.message.type === 'WMO302') {
      this.book.close('302-verzonden', today, owed.message.heenMessageId);
      return;
    }
    const part = owed.part ?? 'start';
    const statusAanlevering = owed.message.statusAanlevering;
    this.s.sent[result.identificatie] = { part, delivery: owed.delivery ?? 0, statusAanlevering };
    const delivery = owed.delivery === undefined ? undefined : this.s.deliveries[owed.delivery];
    const target = delivery?.[part];
    if (target && statusAanlevering === '1') {
      target.status = 'sent';
      target.identificatie = result.identificatie;
    }
    const [sentEvent, receivedEvent] =
      part === 'start'
        ? (['305-verzonden', '305-ontvangen'] as const)
        : (['307-verzonden', '307-ontvangen'] as const);
    if (this.countFromDelivery) {
      // Only in the outbox: the transport may be down for days. The delivery signal moves the terms.
      const record = this.s.messages[this.s.messages.length - 1];
      if (record) record.status = 'in-outbox';
      this.s.awaiting ??= {};
      this.s.awaiting[owed.key] = { identificatie: result.identificatie, part, statusAanlevering };
      const early = this.s.early?.[owed.key];
      if (early) {
        delete this.s.early?.[owed.key];
        this.delivered(early, now);
      }
      return;
    }
    if (statusAanlevering === '1') this.book.close(sentEvent, today);
    // The gemeente owes a retour on every 305/307 (also on a deletion), counted from its receipt.
    this.book.open(receivedEvent, today, { subject: result.identificatie });
  }

  /**
   * The transport took a 305/307 of ours (and maybe the gemeente downloaded it): our deadline is met on
   * the delivery day, the gemeente's 306/308 term runs from the download, else from the delivery.
   */
  delivered(d: OutboxDelivered, now: number): void {
    const waiting = this.s.awaiting?.[d.outboxKey];
    if (!waiting) {
      // Before the write's result (the poller was quicker), or not ours to track: kept, bounded.
      if (!this.s.messages.some((m) => m.ref === d.outboxKey)) {
        this.s.early ??= {};
        this.s.early[d.outboxKey] = d;
        const keys = Object.keys(this.s.early);
        for (const old of keys.slice(0, Math.max(0, keys.length - 50))) delete this.s.early[old];
      }
      return;
    }
    const deliveredOn = amsterdamDateOf(Date.parse(d.deliveredAt));
    const downloadedOn = d.downloadedAt ? amsterdamDateOf(Date.parse(d.downloadedAt)) : undefined;
    const record = this.s.messages.find((m) => m.direction === 'out' && m.ref === d.outboxKey);
    if (record) {
      record.status = downloadedOn ? 'opgehaald' : 'afgeleverd';
      record.on = downloadedOn ?? deliveredOn;
    }
    const [sentEvent, receivedEvent] =
      waiting.part === 'start'
        ? (['305-verzonden', '305-ontvangen'] as const)
        : (['307-verzonden', '307-ontvangen'] as const);
    if (!waiting.deliveredOn) {
      if (waiting.statusAanlevering === '1') this.book.close(sentEvent, deliveredOn);
      this.book.open(receivedEvent, downloadedOn ?? deliveredOn, { subject: waiting.identificatie });
      waiting.deliveredOn = deliveredOn;
    } else if (downloadedOn) {
      this.book.recount(waiting.identificatie, downloadedOn);
    }
    if (downloadedOn) delete this.s.awaiting?.[d.outboxKey];
    this.onDayPassed(now);
  }

  /** True while a 305/307 of ours sits in the outbox, not yet delivered. */
  private undelivered(): boolean {
    return Object.values(this.s.awaiting ?? {}).some((w) => !w.deliveredOn);
  }

  // ---- I/O health (behind 'io-failing', see io.ts) ----

  /** The I/O is pausing after failures (until `io.retryAt`). */
  ioWaiting(now: number): boolean {
    return ioWaiting(this.s.io, now);
  }

  /** When the paused I/O is tried again (epoch ms), if it is pausing. */
  ioRetryAt(): number | undefined {
    return this.s.io?.retryAt ? Date.parse(this.s.io.retryAt) : undefined;
  }

  ioSucceeded(activity: string): void {
    this.s.io = ioSucceeded(this.s.io, activity);
  }

  ioFailed(failure: IoFailure, now: number): void {
    this.s.io = ioFailed(this.s.io, failure, now);
  }

  /** A failure that can never succeed but must be tried again (a claim period must reach claims). */
  retryIoLater(now: number): void {
    if (this.s.io) this.s.io.retryAt = new Date(now + retryDelay(this.s.io.attempts)).toISOString();
  }

  /** The message can never be written as it is: out of the queue, visible, its deadline stays open. */
  setAside(owed: OwedMessage, errorType: string, now: number): void {
    this.s.owed = this.s.owed.filter((o) => o.key !== owed.key);
    this.s.messages.push({
      direction: 'out',
      type: owed.message.type,
      ref: owed.key,
      status: `niet-opgeslagen: ${errorType}`,
      on: this.today(now),
    });
    if (this.s.io) this.s.io = setAside(this.s.io, owed.key);
  }

  /** `sendMessage` refused the message (a rule broke): it stays visible, its deadline stays open. */
  sendRefused(owed: OwedMessage, reason: string, now: number): void {
    this.s.owed = this.s.owed.filter((o) => o.key !== owed.key);
    this.s.messages.push({
      direction: 'out',
      type: owed.message.type,
      ref: owed.key,
      status: `geweigerd: ${reason}`,
      on: this.today(now),
    });
    const delivery = owed.delivery === undefined ? undefined : this.s.deliveries[owed.delivery];
    const target = delivery?.[owed.part ?? 'start'];
    if (target && target.status === 'owed') target.status = 'rejected';
  }

  escalated(d: DeadlineState, now: number): void {
    d.escalated = true;
    this.s.escalations.push({
      deadlineId: d.id,
      rule: d.rule,
      owner: d.owner,
      due: d.due,
      on: this.today(now),
    });
  }

  /** Day-driven changes: the toewijzing's end passing. Idempotent; call whenever time may have moved. */
  onDayPassed(now: number): void {
    const today = this.today(now);
    const end = this.s.toewijzing.einddatum;
    if (this.s.status === 'verwijderd' || !end || end >= today) return;
    if (runningDelivery(this.s.deliveries)) {
      // OP288: every started delivery ends with a stop, also on the toewijzing's own end date.
      this.book.open('zorg-gestopt', end, {
        keep: (a) => a === 'verstuur-307' && this.book.openFor('verstuur-307').length === 0,
      });
    } else if (!startedEver(this.s.deliveries)) {
      this.s.status = 'beeindigd';
      this.book.cancel((d) => d.action === 'verstuur-305');
    }
  }

  /** The billing period whose end is the next claims moment, if care was delivered in it. */
  nextClaimPeriod(): Period | undefined {
    const window = careWindow(this.s.deliveries, this.s.toewijzing.einddatum);
    if (!window) return undefined;
    const from = this.s.lastClaimedEnd ? addDays(this.s.lastClaimedEnd, 1) : window.from;
    if (window.to !== undefined && from > window.to) return undefined;
    return periodOf(from, this.profile.billing.calendar);
  }

  claimed(period: Period): void {
    this.s.claimPeriods.push({ start: period.start, end: period.end });
    this.s.lastClaimedEnd = period.end;
  }

  /** Every message sent and answered, every period handed to claims, and nothing more can come. */
  finished(): boolean {
    if (this.s.owed.length > 0 || this.book.hasOpen() || this.undelivered()) return false;
    // Behind 'claim-lines': every line final, the settlement written and paid (or its watch over).
    if (this.ledger && !this.ledger.done(this.claimsHost())) return false;
    const { status } = this.s;
    if (status === 'verwijderd' || status === 'beeindigd') return true;
    // After a definitive stop: wait until the last period with care has been handed to claims.
    return status === 'gestopt' && this.nextClaimPeriod() === undefined;
  }

  // ---- claims (behind 'claim-lines', see claims.ts) ----

  /** The claims ledger, when this run claims lines (patch 'claim-lines'). */
  claims(): Claims | undefined {
    return this.ledger;
  }

  /** What the claims ledger needs to know of the assignment. */
  claimsHost(): ClaimsHost {
    const { status } = this.s;
    return {
      workflowId: this.s.workflowId,
      toewijzing: this.s.toewijzing,
      deliveries: this.s.deliveries,
      startReported: (d) => this.startReported(d),
      careOver: status === 'gestopt' || status === 'beeindigd',
      deleted: status === 'verwijderd',
    };
  }

  /** The 305 reached the gemeente and was not rejected: approved, or delivered (in the outbox is not enough). */
  private startReported(d: DeliveryState): boolean {
    if (d.start.status === 'approved') return true;
    if (d.start.status !== 'sent') return false;
    if (!this.countFromDelivery) return true;
    const record = this.s.messages.find(
      (m) => m.direction === 'out' && m.identificatie === d.start.identificatie && m.type === 'WMO305',
    );
    return !!record && record.status !== 'in-outbox';
  }

  /** Day-driven claims changes (a payment watch ending) and what the state says it waits for. */
  claimsDayPassed(now: number): void {
    if (!this.ledger) return;
    this.ledger.onDayPassed(this.today(now));
    const h = this.claimsHost();
    this.ledger.refreshWaitingFor(h, h.careOver);
  }

  /** The next moment something is due: a deadline's end, the toewijzing's end, a billing period's end. */
  nextWake(now: number): number | undefined {
    const today = this.today(now);
    const candidates: IsoDate[] = [];
    const due = this.book.nextDue(today);
    if (due) candidates.push(due);
    const end = this.s.toewijzing.einddatum;
    if (end && end >= today && this.s.status !== 'verwijderd') candidates.push(end);
    const period = this.nextClaimPeriod();
    if (period) candidates.push(period.end);
    const month = this.ledger?.nextMoment(this.claimsHost());
    if (month) candidates.push(month);
    const watch = this.ledger?.watchEnd();
    if (watch) candidates.push(watch);
    const first = candidates.sort()[0];
    return first === undefined ? undefined : endOfAmsterdamDay(first).getTime() + 1;
  }

  refresh(now: number): void {
    const today = this.today(now);
    this.s.overdue = this.book.overdue(today);
    const next = this.book.earliestOpen();
    if (next) this.s.nextDeadline = next;
    else delete this.s.nextDeadline;
  }

  // ---- helpers ----

  private owe(
    kind: '305' | '307',
    delivery: number,
    begindatum: IsoDate,
    stop: DeliveryState | undefined,
    statusAanlevering: '1' | '3',
    eventKey: string,
  ): void {
    const base = {
      toewijzingMessageId: this.s.toewijzing.messageId,
      toewijzingNummer: this.s.toewijzing.toewijzingNummer,
      begindatum,
      statusAanlevering,
    };
    const message: OutgoingMessage =
      kind === '305'
        ? { type: 'WMO305', ...base }
        : {
            type: 'WMO307',
            ...base,
            einddatum: stop?.einddatum ?? begindatum,
            redenBeeindiging: stop?.redenBeeindiging ?? '19',
          };
    this.s.owed.push({
      key: `${this.s.workflowId}:${kind}:${eventKey}`,
      message,
      delivery,
      part: kind === '305' ? 'start' : 'stop',
    });
  }

  private answer(eventId: string, messages: string[], late: number | undefined): EventResult {
    const result: EventResult = {
      eventId,
      accepted: true,
      messages,
      ...(late === undefined ? {} : { lateWorkingDays: late }),
    };
    this.s.processedEvents[eventId] = result;
    const ids = Object.keys(this.s.processedEvents);
    for (const old of ids.slice(0, Math.max(0, ids.length - keepEventIds)))
      delete this.s.processedEvents[old];
    return result;
  }

  private remember(key: string): void {
    this.s.seenMessages.push(key);
    if (this.s.seenMessages.length > keepEventIds)
      this.s.seenMessages.splice(0, this.s.seenMessages.length - keepEventIds);
  }

  private startOwed(): boolean {
    return this.s.status !== 'verwijderd' && !startedEver(this.s.deliveries);
  }
}

function freshState({ toewijzing, profile }: AssignmentInput): CarriedState {
  return {
    workflowId: '',
    status: 'toegewezen',
    toewijzing,
    versions: [],
    deliveries: [],
    deadlines: [],
    messages: [],
    escalations: [],
    overdue: false,
    profileId: profile.id,
    claimPeriods: [],
    profile,
    seq: 0,
    revision: 0,
    processedEvents: {},
    seenMessages: [],
    owed: [],
    sent: {},
  };
}

export type { AssignmentStatus };
