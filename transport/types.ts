import type { Berichtstatus, Berichtstroom, Melding, Relatie } from './metadata';

/*
 * The one interface every way of moving iWmo messages implements (VECOZO-style REST, drop folder, …).
 * Pull semantics are VECOZO's: fetch offers the oldest messages not yet confirmed, again and again,
 * until confirm(traceerId) removes one. So a receiver stores a message durably first and confirms it
 * after; a crash in between means it is offered again (at least once), never lost.
 */

export interface OutgoingTransportMessage {
  /** The iWmo XML, UTF-8. */
  payload: string | Uint8Array;
  /** 'WMO305', … : chooses the berichtstroom. */
  messageType: string;
  afzender: Relatie;
  geadresseerde: Relatie;
  /**
   * The transport id of this message. Give the one recorded in the outbox before sending, so a retry
   * after a crash or a timeout resends the same message rather than a second one. Generated (v4) if absent.
   */
  traceerId?: string;
  /** Default: the traceerId (a heen message starts its own conversation, CC05). A retour: the heen's. */
  conversatieId?: string;
  /** The traceerId of the message this answers (a retour). */
  alsAntwoordOp?: string;
  /** The sender's own reference (≤ 150 chars), e.g. the outbox row id. */
  referentieId?: string;
}

export interface SendReceipt {
  traceerId: string;
  conversatieId: string;
  alsAntwoordOp?: string;
}

export interface FetchedEnvelope {
  /**
   * The transport's id of the message: confirm(traceerId) takes it, and the inbox dedupes on
   * (transport, traceerId). REST: VECOZO's traceerId. Drop folder: `file name#content hash`.
   */
  traceerId: string;
  conversatieId?: string;
  alsAntwoordOp?: string;
  /** When the transport received it (ISO 8601). */
  ontvangenOp: string;
  afzender?: Relatie;
  berichtstroom?: Berichtstroom;
  /** Payload size in bytes as the transport announced it. */
  size: number;
}

/**
 * A fetched message with its payload bytes; or, when the payload cannot be had (VECOZO keeps it one day
 * after the first download; a file above the size limit), null with the reason — the caller records
 * that and may still confirm, so one lost payload does not block the queue.
 */
export type FetchedMessage = FetchedEnvelope &
  ({ payload: Uint8Array } | { payload: null; unavailable: 'not-found' | 'too-large' });

export interface TransportStatus {
  traceerId: string;
  conversatieId?: string;
  alsAntwoordOp?: string;
  status: Berichtstatus;
  /** When the status last changed (ISO 8601), when the transport knows it. */
  changedAt?: string;
  /** Why it was rejected, when it was. */
  meldingen: Melding[];
}

export interface Transport {
  /** Stored in the inbox's `transport` column: 'vecozo', 'drop-folder', … */
  readonly name: string;
  /** Hands one message over. Resolves once the transport accepted it (VECOZO: 204). */
  send(message: OutgoingTransportMessage): Promise<SendReceipt>;
  /** The oldest messages waiting for us, at most `limit` (VECOZO: 1..250), not yet confirmed. */
  fetch(limit?: number): Promise<FetchedMessage[]>;
  /** Receipt confirmed: it is not offered again. 'unknown' when the transport does not know it (any more). */
  confirm(traceerId: string): Promise<'confirmed' | 'unknown'>;
  /** The message's status and those of the messages answering it (alsAntwoordOp); [] when unknown. */
  status(traceerId: string): Promise<TransportStatus[]>;
}

/** VECOZO's page limit for pulls. */
export const maxFetchLimit = 250;
