import { type MessageType, messages } from '../../iwmo';

/*
 * A cheap look at a message's header before it is decoded: who sent it, to whom, and its type. The API
 * scopes a caller by it before anything is stored, and the inbox row is scoped by it until decoding
 * (seconds for a large 323) has read the header for real. Only the text up to the first closing Header
 * tag is searched, with comments and CDATA taken out; decoding later checks that it agrees.
 */

export interface SniffedHeader {
  afzender?: string;
  ontvanger?: string;
  messageType?: MessageType;
}

const headerEnd = /<\/(?:[A-Za-z_][\w.-]*:)?Header\s*>/;
const byBerichtCode = new Map(Object.values(messages).map((m) => [m.berichtCode, m.type]));

function element(text: string, name: string): string | undefined {
  const match = new RegExp(`<(?:[A-Za-z_][\\w.-]*:)?${name}\\s*>\\s*([0-9]{1,12})\\s*</`).exec(text);
  return match?.[1];
}

export function sniffHeader(xml: string): SniffedHeader {
  const end = headerEnd.exec(xml);
  if (!end) return {};
  const header = xml
    .slice(0, end.index)
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '');
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

/** The gemeente and aanbieder among a header's Afzender and Ontvanger (4 digits: CBS, 8: AGB). */
export function partiesOf(h: { afzender?: string | null; ontvanger?: string | null }): {
  gemeente?: string;
  aanbieder?: string;
} {
  const codes = [h.afzender, h.ontvanger].filter((c): c is string => typeof c === 'string');
  const gemeente = codes.find((c) => /^[0-9]{4}$/.test(c));
  const aanbieder = codes.find((c) => /^[0-9]{8}$/.test(c));
  return { ...(gemeente ? { gemeente } : {}), ...(aanbieder ? { aanbieder } : {}) };
}
