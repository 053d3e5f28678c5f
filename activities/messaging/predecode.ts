import type { MessageCodec } from './codec';
import { checkEncoding, type EncodingCheck } from './encoding';
import type { Inspection } from './inspect';
import { type SniffedHeader, sniffHeaderBytes } from './sniff';

/*
 * A received message read once. The poller reads ahead what it needs to order a page (the header of every
 * message, and a 301 decoded for its client: activities/inbox-poll.ts) and hands that to the inbound path
 * with the message, which then neither sniffs nor decodes it again (activities/inbound.ts). Only 301s are
 * decoded ahead: they are small, while a page of 323s read ahead at once would hold every one in memory.
 */

export interface Predecoded {
  /** The bytes this was read from: the inbound path takes it for these very bytes only. */
  of: Uint8Array;
  sniffed: SniffedHeader;
  /** The encoding check and the text it made; absent when not read ahead. */
  checked?: EncodingCheck;
  /** codec.inspect of that text under `today` (TR135 counts from it); absent when not read ahead or failed. */
  inspected?: { today: string; inspection: Inspection };
}

/** The header of `bytes`; for a 301 also its text, decoded and checked under `today`. */
export async function readAhead(bytes: Uint8Array, codec: MessageCodec, today: string): Promise<Predecoded> {
  const sniffed = sniffHeaderBytes(bytes);
  if (sniffed.messageType !== 'WMO301') return { of: bytes, sniffed };
  const checked = checkEncoding(bytes);
  if (!checked.ok) return { of: bytes, sniffed, checked };
  // A failing codec only costs the read-ahead: the inbound path decodes again and records what fails.
  const inspection = await codec.inspect(checked.text, today).catch(() => undefined);
  return { of: bytes, sniffed, checked, ...(inspection && { inspected: { today, inspection } }) };
}
