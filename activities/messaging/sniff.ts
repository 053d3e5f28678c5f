import { type MessageType, messages } from '../../iwmo';
import { isAgbCode, isGemeenteCode } from '../../iwmo/identifiers';
import { foreignEncodingOf } from './encoding';

/*
 * A cheap look at a message's header before it is decoded: who sent it, to whom, and its type. The API
 * scopes a caller by it before anything is stored, and the inbox row is scoped by it until decoding
 * (seconds for a large 323) has read the header for real. It runs on the event loop, on bytes from a
 * stranger, so it is linear and bounded: only the first `sniffLimit` characters are read, comments and
 * CDATA are cut out with an indexOf scan (a lazy regex was quadratic on many `<!--` without `-->`:
 * 256 KB stalled the service for 9 s), and the header must end within them. Decoding later checks that
 * it agrees; a header beyond the limit is not sniffed, and decoding then rejects the message
 * (HEADER-ONDUIDELIJK).
 */

export interface SniffedHeader {
  afzender?: string;
  ontvanger?: string;
  messageType?: MessageType;
}

/** Characters read at most: an iWmo header ends within a few hundred; this leaves room for a prolog. */
export const sniffLimit = 64 * 1024;

const headerEnd = /<\/(?:[A-Za-z_][\w.-]{0,64}:)?Header\s{0,64}>/;
const byBerichtCode = new Map(Object.values(messages).map((m) => [m.berichtCode, m.type]));

function element(text: string, name: string): string | undefined {
  const match = new RegExp(
    `<(?:[A-Za-z_][\\w.-]{0,64}:)?${name}\\s{0,64}>\\s{0,64}([0-9]{1,12})\\s{0,64}</`,
  ).exec(text);
  return match?.[1];
}

const sections = [
  { open: '<!--', close: '-->' },
  { open: '<![CDATA[', close: ']]>' },
] as const;

/**
 * The text without comments and CDATA sections, in one pass: each search starts where the last one
 * stopped, and the next opening of each kind is searched again only once the scan has passed it.
 * An unterminated section takes the rest of the text.
 */
export function withoutCommentsAndCdata(text: string): string {
  const next = sections.map((s) => text.indexOf(s.open));
  let out = '';
  let at = 0;
  for (;;) {
    for (const [i, s] of sections.entries())
      if ((next[i] as number) !== -1 && (next[i] as number) < at) next[i] = text.indexOf(s.open, at);
    const candidates = next.filter((n) => n !== -1);
    if (candidates.length === 0) return out + text.slice(at);
    const start = Math.min(...candidates);
    const section = sections[next.indexOf(start)] as (typeof sections)[number];
    out += text.slice(at, start);
    const end = text.indexOf(section.close, start + section.open.length);
    if (end === -1) return out;
    at = end + section.close.length;
  }
}

export function sniffHeader(xml: string): SniffedHeader {
  const text = withoutCommentsAndCdata(xml.length > sniffLimit ? xml.slice(0, sniffLimit) : xml);
  const end = headerEnd.exec(text);
  if (!end) return {};
  const header = text.slice(0, end.index);
  const code = element(header, 'BerichtCode');
  const sniffed: SniffedHeader = {};
  const afzender = element(header, 'Afzender');
  const ontvanger = element(header, 'Ontvanger');
  const messageType = code === undefined ? undefined : byBerichtCode.get(code);
  if (afzender) sniffed.afzender = afzender;
  if (ontvanger) sniffed.ontvanger = ontvanger;
  if (messageType) sniffed.messageType = messageType;
  return sniffed;
}

/**
 * The header of a message as bytes: the first bytes only, read as UTF-8 with replacement, or as the
 * UTF-16 a byte order mark or NULs announce (such a message is rejected, but still belongs to its
 * Afzender and Ontvanger).
 */
export function sniffHeaderBytes(bytes: Uint8Array): SniffedHeader {
  const foreign = foreignEncodingOf(bytes);
  const label = foreign === 'UTF-16BE' ? 'utf-16be' : foreign === 'UTF-16LE' ? 'utf-16le' : 'utf-8';
  const head = bytes.subarray(0, sniffLimit * (label === 'utf-8' ? 3 : 2));
  return sniffHeader(new TextDecoder(label).decode(head));
}

/** The gemeente and aanbieder among a header's Afzender and Ontvanger (4 digits: CBS, 8: AGB). */
export function partiesOf(h: { afzender?: string | null; ontvanger?: string | null }): {
  gemeente?: string;
  aanbieder?: string;
} {
  const codes = [h.afzender, h.ontvanger].filter((c): c is string => typeof c === 'string');
  const gemeente = codes.find(isGemeenteCode);
  const aanbieder = codes.find(isAgbCode);
  return { ...(gemeente ? { gemeente } : {}), ...(aanbieder ? { aanbieder } : {}) };
}
