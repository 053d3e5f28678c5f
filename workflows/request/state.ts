import { amsterdamDateOf, endOfAmsterdamDay } from '../../calendar/amsterdam';
import { DeadlineBook, type TrackedDeadline } from '../../calendar/deadline-book';
import type { IsoDate } from '../../calendar/iso-date';
import type { LifecycleEventType, ProtocolProfile } from '../../calendar/profile';
import { missingRequestTerms, type RequestAction } from '../../calendar/request-terms';
import type {
  RequestMessage,
  RequestProjection,
  SendRequestMessageResult,
} from '../../contract/request/activities';
import type {
  RequestAntwoord,
  RequestHonoured,
  RequestInput,
  RequestRetour,
  RequestState,
  RequestStatus,
  ResendEvent,
  ResendResult,
} from '../../contract/request/contract';
import { retour320Key, verzoekMessageKey } from '../../contract/request/keys';
import type { RequestRefusalRule } from '../../contract/request/refusals';

/*
 * One request's lifecycle as a state object with private fields: every handler of the workflow is one
 * named operation on it, and the main loop asks it what to do next (send, escalate, end). Pure and
 * deterministic: time comes in as an argument, I/O goes out as owed messages and deadlines to escalate.
 * The query's view is built from an explicit list of public fields, so a new private field never leaks.
 */

/** A message this request owes, waiting for the main loop to hand it to `sendRequestMessage`. */
export interface OwedRequestMessage {
  key: string;
  message: RequestMessage;
}

/** A refusal of an update: the rule and what about it, for the workflow to throw. */
export interface Refusal {
  rule: RequestRefusalRule;
  detail?: string;
}

interface Fields extends Omit<RequestState, 'overdue'> {
  profile: ProtocolProfile;
  seq: number;
  revision: number;
  processedEvents: Record<string, ResendResult>;
  seenMessages: string[];
  owed: OwedRequestMessage[];
}

/** What the query shows: every field of RequestState but `overdue`, which is computed on asking. */
const publicFields = [
  'workflowId',
  'kind',
  'status',
  'aanbieder',
  'gemeente',
  'referentieAanbieder',
  'clientRef',
  'product',
  'ingangsdatum',
  'toewijzingNummers',
  'versions',
  'antwoorden',
  'toewijzingen',
  'closed',
  'deadlines',
  'missingTerms',
  'escalations',
  'messages',
  'nextDeadline',
  'profileId',
] as const satisfies readonly Exclude<keyof RequestState, 'overdue'>[];

const keepIds = 200;
const approved = (codes: string[]) => codes.every((c) => c === '0200');
const closedStatuses: readonly RequestStatus[] = ['gehonoreerd', 'afgewezen'];

/** The request actions that concern this kind of request (a 315 never waits for a 318). */
const actionsOf = (kind: '315' | '317'): RequestAction[] => [
  kind === '315' ? 'verstuur-316' : 'verstuur-318',
  'verstuur-301-of-319',
  'verstuur-definitief-antwoord',
  'verstuur-320',
];

export class Request {
  private readonly f: Fields;
  private readonly book: DeadlineBook;

  constructor(input: RequestInput, workflowId: string) {
    this.f = {
      workflowId,
      kind: input.kind,
      status: 'nieuw',
      aanbieder: input.aanbieder,
      gemeente: input.gemeente,
      referentieAanbieder: input.referentieAanbieder,
      clientRef: input.clientRef,
      ...(input.product ? { product: input.product } : {}),
      ...(input.ingangsdatum ? { ingangsdatum: input.ingangsdatum } : {}),
      ...(input.toewijzingNummers ? { toewijzingNummers: input.toewijzingNummers } : {}),
      versions: [],
      antwoorden: [],
      toewijzingen: [],
      deadlines: [],
      missingTerms: missingRequestTerms(input.profile).filter((t) =>
        actionsOf(input.kind).includes(t.action),
      ),
      escalations: [],
      messages: [],
      profileId: input.profile.id,
      profile: input.profile,
      seq: 0,
      revision: 0,
      processedEvents: {},
      seenMessages: [],
      owed: [],
    };
    this.book = new DeadlineBook(this.f.deadlines, this.f.profile, () => ++this.f.seq);
    this.oweRequest(input.payloadRef);
  }

  get workflowId(): string {
    return this.f.workflowId;
  }

  get status(): RequestStatus {
    return this.f.status;
  }

  get profile(): ProtocolProfile {
    return this.f.profile;
  }

  // ---- the provider's correction (update) ----

  known(eventId: string): ResendResult | undefined {
    return this.f.processedEvents[eventId];
  }

  /** Why a resend is refused, or undefined; a known event id passes (it gets its first answer). */
  checkResend(e: ResendEvent): Refusal | undefined {
    if (this.known(e.eventId)) return undefined;
    if (closedStatuses.includes(this.f.status)) return { rule: 'TR347', detail: `status ${this.f.status}` };
    if (this.f.status !== 'afgekeurd') return { rule: 'TR374', detail: `status ${this.f.status}` };
    if (this.f.versions.some((v) => v.payloadRef === e.payloadRef)) return { rule: 'Ongewijzigd' };
    if (this.f.kind === '315' && e.toewijzingNummers)
      return { rule: 'Soort', detail: 'toewijzingNummers bij een 315' };
    if (this.f.kind === '317' && e.product) return { rule: 'Soort', detail: 'product bij een 317' };
    return undefined;
  }

  resend(e: ResendEvent): ResendResult {
    const known = this.known(e.eventId);
    if (known) return known;
    if (e.product) this.f.product = e.product;
    if (e.ingangsdatum) this.f.ingangsdatum = e.ingangsdatum;
    if (e.toewijzingNummers) this.f.toewijzingNummers = e.toewijzingNummers;
    this.oweRequest(e.payloadRef);
    this.f.status = 'nieuw';
    const result: ResendResult = { eventId: e.eventId, accepted: true, messages: [this.f.kind] };
    this.f.processedEvents[e.eventId] = result;
    const ids = Object.keys(this.f.processedEvents);
    for (const old of ids.slice(0, Math.max(0, ids.length - keepIds))) delete this.f.processedEvents[old];
    return result;
  }

  // ---- answers by transport (signals) ----

  /** A 316/318: approved → the gemeente weighs it; with codes → counts as never sent, wait for a correction. */
  receiveRetour(r: RequestRetour): void {
    if (!this.firstSight(`retour:${r.messageId}`)) return;
    const version = this.f.versions.find((v) => v.identificatie === r.heenIdentificatie);
    const ok = approved(r.retourCodes);
    this.record(
      'in',
      r.messageType,
      r.messageId,
      version ? (ok ? 'goedgekeurd' : 'afgekeurd') : 'niet-gekoppeld',
      r.ontvangen,
      r.heenIdentificatie,
    );
    if (!version) return;
    this.book.close(
      r.messageType === 'WMO316' ? '316-verzonden' : '318-verzonden',
      r.ontvangen,
      r.heenIdentificatie,
    );
    version.status = ok ? 'goedgekeurd' : 'afgekeurd';
    if (!ok) version.retourCodes = r.retourCodes;
    if (this.closed()) return;
    if (ok) {
      if (this.f.status === 'ingediend') this.f.status = 'ontvangen';
      return;
    }
    // Any error rejects the whole message: the gemeente owes no answer to a request it never received.
    this.book.cancel((d) => d.owner === 'gemeente');
    this.f.status = 'afgekeurd';
  }

  /** A 319: answered with one 320 each; a rejection closes the request, "in onderzoek" moves its term. */
  receiveAntwoord(a: RequestAntwoord, now: number): void {
    if (!this.firstSight(`319:${a.messageId}`)) return;
    const retourCodes = this.antwoordFindings(a);
    this.f.antwoorden.push({ ...a, retourCodes });
    this.record(
      'in',
      'WMO319',
      a.messageId,
      retourCodes.length ? `retourcodes ${retourCodes.join(' ')}` : `antwoord ${a.verzoekAntwoord}`,
      a.ontvangen,
    );
    this.f.owed.push({
      key: retour320Key(a.messageId),
      message: { type: 'WMO320', heenMessageId: a.messageId, retourCodes },
    });
    this.book.open('319-ontvangen', a.ontvangen, { subject: a.messageId });
    if (retourCodes.length > 0) return; // a 319 our 320 rejects counts as never sent
    if (a.verzoekAntwoord === '1') {
      this.book.close('319-verzonden', a.ontvangen);
      this.close({
        as: 'afgewezen',
        on: a.ontvangen,
        ...(a.redenAfwijzingVerzoek ? { redenAfwijzingVerzoek: a.redenAfwijzingVerzoek } : {}),
      });
      return;
    }
    this.book.close('319-in-onderzoek-verzonden', a.ontvangen);
    // OP274/OP346: the final answer is due 8 weeks after the request's dagtekening, not the 319's.
    const dagtekening = this.currentVersion()?.dagtekening ?? amsterdamDateOf(now);
    this.book.open('319-in-onderzoek-verzonden', a.ontvangen, { aanvraagDagtekening: dagtekening });
    this.f.status = 'in-onderzoek';
  }

  /** A 301 carrying the referentie (TR379): honoured, linked to the assignment workflow(s) it started. */
  receiveHonoured(h: RequestHonoured): void {
    if (!this.firstSight(`301:${h.messageId}`)) return;
    this.record(
      'in',
      'WMO301',
      h.messageId,
      this.f.status === 'afgewezen' ? 'na-afwijzing' : 'honorering',
      h.ontvangen,
    );
    for (const t of h.toewijzingen) {
      if (this.f.toewijzingen.some((x) => x.toewijzingNummer === t.toewijzingNummer)) continue;
      this.f.toewijzingen.push({ ...t, messageId: h.messageId });
    }
    if (this.closed()) return;
    this.book.close('301-verzonden', h.ontvangen);
    this.close({ as: 'gehonoreerd', on: h.ontvangen });
  }

  // ---- work for the main loop ----

  nextOwed(): OwedRequestMessage | undefined {
    return this.f.owed[0];
  }

  /** `sendRequestMessage` stored the message: the gemeente's terms start on its dagtekening. */
  sent(owed: OwedRequestMessage, result: SendRequestMessageResult): void {
    this.f.owed = this.f.owed.filter((o) => o.key !== owed.key);
    const type = owed.message.type;
    this.record('out', type, owed.key, 'verzonden', result.dagtekening, result.identificatie);
    if (owed.message.type === 'WMO320') {
      this.book.close('320-verzonden', result.dagtekening, owed.message.heenMessageId);
      return;
    }
    const version = this.currentVersion();
    if (version?.payloadRef !== owed.message.payloadRef) return;
    version.status = 'verzonden';
    version.identificatie = result.identificatie;
    version.dagtekening = result.dagtekening;
    if (this.closed()) return;
    const received: LifecycleEventType = this.f.kind === '315' ? '315-ontvangen' : '317-ontvangen';
    this.book.open(received, result.dagtekening, { subject: result.identificatie });
    if (this.f.status === 'nieuw') this.f.status = 'ingediend';
  }

  /** The standard refused what we would send: visible in state; a request waits for a correction. */
  sendRefused(owed: OwedRequestMessage, reason: string, now: number): void {
    this.f.owed = this.f.owed.filter((o) => o.key !== owed.key);
    this.record('out', owed.message.type, owed.key, `geweigerd: ${reason}`, amsterdamDateOf(now));
    if (owed.message.type === 'WMO320') return;
    const version = this.currentVersion();
    if (version?.payloadRef === owed.message.payloadRef) version.status = 'geweigerd';
    if (!this.closed()) this.f.status = 'afgekeurd';
  }

  /** Open deadlines past their last day, not escalated yet; each is marked escalated as it is handed out. */
  takeEscalations(now: number): TrackedDeadline[] {
    const today = amsterdamDateOf(now);
    const due = this.book.toEscalate(today);
    for (const d of due) {
      d.escalated = true;
      this.f.escalations.push({ deadlineId: d.id, rule: d.rule, owner: d.owner, due: d.due, on: today });
    }
    return due.map((d) => ({ ...d }));
  }

  lateness(due: IsoDate, now: number): number {
    return this.book.lateness(due, amsterdamDateOf(now));
  }

  /** Closed, every message sent and nothing anyone still owes. */
  finished(): boolean {
    return this.closed() && this.f.owed.length === 0 && !this.book.hasOpen();
  }

  /** The next moment something is due: just after the last day of the earliest open deadline. */
  nextWake(now: number): number | undefined {
    const due = this.book.nextDue(amsterdamDateOf(now));
    return due === undefined ? undefined : endOfAmsterdamDay(due).getTime() + 1;
  }

  overdue(now: number): boolean {
    return this.book.overdue(amsterdamDateOf(now));
  }

  /** Recomputes the earliest open deadline, shown to operators. */
  refresh(): void {
    const next = this.book.earliestOpen();
    if (next) this.f.nextDeadline = next;
    else delete this.f.nextDeadline;
  }

  /** The query's answer: the public fields only, copied, with `overdue` as of `now`. */
  view(now: number): RequestState {
    const out: Record<string, unknown> = {};
    for (const key of publicFields) {
      const value = this.f[key];
      if (value !== undefined) out[key] = JSON.parse(JSON.stringify(value));
    }
    return { ...(out as Omit<RequestState, 'overdue'>), overdue: this.overdue(now) };
  }

  /** The read-model row; `revision` grows only when the caller says the row changed. */
  projection(now: number): Omit<RequestProjection, 'revision'> {
    return {
      workflowId: this.f.workflowId,
      kind: this.f.kind,
      aanbieder: this.f.aanbieder,
      gemeente: this.f.gemeente,
      referentieAanbieder: this.f.referentieAanbieder,
      clientRef: this.f.clientRef,
      status: this.f.status,
      overdue: this.overdue(now),
      ...(this.f.nextDeadline ? { nextDeadline: this.f.nextDeadline } : {}),
      profile: this.f.profileId,
      assignmentWorkflowIds: this.f.toewijzingen.map((t) => t.assignmentWorkflowId),
    };
  }

  nextRevision(): number {
    return ++this.f.revision;
  }

  // ---- helpers ----

  private oweRequest(payloadRef: string): void {
    this.f.versions.push({ payloadRef, status: 'te-verzenden' });
    const type = this.f.kind === '315' ? 'WMO315' : 'WMO317';
    // Keyed by the document: the workflows of one 315's products share one message and one outbox row.
    this.f.owed.push({ key: verzoekMessageKey(payloadRef), message: { type, payloadRef } });
  }

  private currentVersion() {
    return this.f.versions.at(-1);
  }

  private closed(): boolean {
    return closedStatuses.includes(this.f.status);
  }

  private close(closed: NonNullable<RequestState['closed']>): void {
    this.f.status = closed.as;
    this.f.closed = closed;
    // Answered: the gemeente owes nothing more on this request (a missing 316/318 no longer matters).
    this.book.cancel((d) => d.owner === 'gemeente');
  }

  /** TR359/TR360/TR365: a 319 that comes after the request was honoured or finally answered. */
  private antwoordFindings(a: RequestAntwoord): string[] {
    if (this.f.status === 'gehonoreerd') return ['9359'];
    const earlier = this.f.antwoorden.filter((x) => x.retourCodes.length === 0);
    if (earlier.some((x) => x.verzoekAntwoord !== '2')) return ['9365'];
    if (a.verzoekAntwoord === '2' && earlier.length > 0) return ['9360'];
    return [];
  }

  private firstSight(key: string): boolean {
    if (this.f.seenMessages.includes(key)) return false;
    this.f.seenMessages.push(key);
    if (this.f.seenMessages.length > keepIds)
      this.f.seenMessages.splice(0, this.f.seenMessages.length - keepIds);
    return true;
  }

  private record(
    direction: 'in' | 'out',
    type: string,
    ref: string,
    status: string,
    on: IsoDate,
    identificatie?: string,
  ): void {
    this.f.messages.push({ direction, type, ref, status, on, ...(identificatie ? { identificatie } : {}) });
  }
}
