import { createHash } from 'node:crypto';
import type { Berichtstatus, Berichtstroom, Melding, Relatie } from '../transport/metadata';

/*
 * The simulator's mailboxes, in memory: every message it holds, for whom, and its VECOZO status. Kept in
 * this process only — a restarted simulator starts empty (the e2e tests run it in-process). A message
 * for a party with a client certificate waits in that party's mailbox until confirmed; a message for a
 * gemeente the simulator plays has no mailbox: the simulator takes it itself.
 */

export interface SimMessage {
  traceerId: string;
  conversatieId: string;
  alsAntwoordOp?: string;
  referentieId?: string;
  afzender: Relatie;
  geadresseerde: Relatie;
  berichtstroom: Berichtstroom;
  payload: Buffer;
  sha256: string;
  ontvangenOp: string;
  status: Berichtstatus;
  statusGewijzigdOp: string;
  meldingen?: Melding[];
  /** Code of the party that pulls it; undefined when the simulator itself is the addressee. */
  mailbox?: string;
  confirmed: boolean;
  /** Misbehaviour 'same-traceer': confirms still to be ignored before one sticks. */
  ignoreConfirms: number;
  /** Arrival order: "oldest first" without relying on equal timestamps. */
  seq: number;
}

export type NewMessage = Omit<
  SimMessage,
  'sha256' | 'ontvangenOp' | 'status' | 'statusGewijzigdOp' | 'confirmed' | 'seq' | 'ignoreConfirms'
> & { status: Berichtstatus; ignoreConfirms?: number };

export class MailboxStore {
  private readonly messages = new Map<string, SimMessage>();
  private seq = 0;

  constructor(private readonly now: () => Date = () => new Date()) {}

  has(traceerId: string): boolean {
    return this.messages.has(traceerId);
  }

  add(message: NewMessage): SimMessage {
    if (this.messages.has(message.traceerId)) throw new Error('traceerId is not unique');
    const at = this.now().toISOString();
    const stored: SimMessage = {
      ...message,
      sha256: createHash('sha256').update(message.payload).digest('hex'),
      ontvangenOp: at,
      statusGewijzigdOp: at,
      confirmed: false,
      ignoreConfirms: message.ignoreConfirms ?? 0,
      seq: this.seq++,
    };
    this.messages.set(stored.traceerId, stored);
    return stored;
  }

  get(traceerId: string): SimMessage | undefined {
    return this.messages.get(traceerId);
  }

  setStatus(traceerId: string, status: Berichtstatus, meldingen?: Melding[]): void {
    const m = this.messages.get(traceerId);
    if (!m) return;
    m.status = status;
    m.statusGewijzigdOp = this.now().toISOString();
    if (meldingen) m.meldingen = meldingen;
  }

  /** The oldest unconfirmed messages in a mailbox. */
  ready(mailbox: string, limit: number): SimMessage[] {
    const out: SimMessage[] = [];
    for (const m of this.messages.values()) {
      // Map iteration follows insertion, which is arrival (seq) order.
      if (m.mailbox === mailbox && !m.confirmed) out.push(m);
      if (out.length === limit) break;
    }
    return out;
  }

  /** A message still waiting in this mailbox, else undefined (unknown, someone else's, or confirmed). */
  waiting(mailbox: string, traceerId: string): SimMessage | undefined {
    const m = this.messages.get(traceerId);
    return m && m.mailbox === mailbox && !m.confirmed ? m : undefined;
  }

  /** Confirms receipt; false when the message is not waiting in this mailbox. */
  confirm(mailbox: string, traceerId: string): boolean {
    const m = this.waiting(mailbox, traceerId);
    if (!m) return false;
    if (m.ignoreConfirms > 0) {
      m.ignoreConfirms--; // misbehaviour: accepted, yet offered again
      return true;
    }
    m.confirmed = true;
    this.setStatus(traceerId, 'Bezorgd');
    return true;
  }

  /** Messages the party sent or receives, matching the traceerId (itself or as alsAntwoordOp) or conversatieId. */
  statuses(party: string, query: { traceerId: string } | { conversatieId: string }): SimMessage[] {
    const visible = (m: SimMessage) => m.afzender.code === party || m.geadresseerde.code === party;
    const matches =
      'traceerId' in query
        ? (m: SimMessage) => m.traceerId === query.traceerId || m.alsAntwoordOp === query.traceerId
        : (m: SimMessage) => m.conversatieId === query.conversatieId;
    return [...this.messages.values()].filter((m) => visible(m) && matches(m));
  }

  all(): SimMessage[] {
    return [...this.messages.values()];
  }
}
