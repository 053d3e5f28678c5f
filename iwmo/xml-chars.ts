/*
 * Characters and references of XML 1.0 (§2.2 Char, §4.1 references). Without a DTD (refused) only the
 * five predefined entities and character references exist. fast-xml-parser is handed `referenceDecoder`,
 * so every text and attribute value is decoded in one pass: `&amp;#233;` becomes the text `&#233;`
 * and is not decoded a second time, and CDATA sections are never decoded (the parser does not pass
 * them here). Which references are allowed is checked before parsing (markup.ts), with a position.
 */

/**
 * Characters XML 1.0 forbids anywhere: control characters other than tab, LF and CR, U+FFFE/U+FFFF,
 * and a surrogate that is not half of a pair (no character at all: it cannot be written in UTF-8).
 */
export const forbiddenXmlChar =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters to find
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** XML 1.0 Char: the code points a document, and so a character reference, may hold. */
export function isXmlChar(c: number): boolean {
  return (
    c === 0x9 ||
    c === 0xa ||
    c === 0xd ||
    (c >= 0x20 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd) ||
    (c >= 0x10000 && c <= 0x10ffff)
  );
}

/**
 * XML's whitespace is space, tab, LF and CR only (§2.3 S); JavaScript's trim() and \s also take
 * NBSP, U+2028, U+3000 and the like, which XML reads as text. Used wherever the XSD collapses
 * whitespace (integers, dates, times) and between elements.
 */
export const xmlTrim = (text: string): string => text.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
export const isXmlSpace = (text: string): boolean => /^[ \t\r\n]*$/.test(text);

/** XML 1.0 (5th edition) Name characters, for names the parser does not check (PI targets, entities). */
const nameStart =
  ':A-Z_a-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\uD800-\uDBFF\uDC00-\uDFFF';
const nameRest = `${nameStart}\\-.0-9\u00B7\u0300-\u036F\u203F-\u2040`;
export const xmlName = new RegExp(`^[${nameStart}][${nameRest}]*$`);

const predefined: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };
const reference = /&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(lt|gt|amp|apos|quot));/g;

/** Text with its references replaced by the characters they name; anything else is left as it is. */
export function decodeReferences(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(reference, (_, hex: string | undefined, dec: string | undefined, name?: string) =>
    name ? (predefined[name] as string) : String.fromCodePoint(hex ? Number.parseInt(hex, 16) : Number(dec)),
  );
}

/**
 * fast-xml-parser's entity decoder interface. A DOCTYPE never reaches the parser (markup.ts); should one
 * ever do, its entities are refused rather than expanded.
 */
export const referenceDecoder = {
  decode: decodeReferences,
  addInputEntities(entities: Record<string, unknown>): void {
    if (Object.keys(entities).length) throw new Error('entity declarations are refused');
  },
  setExternalEntities(): void {
    // none: iwmo/ defines no entities of its own
  },
  reset(): void {
    // stateless
  },
  setXmlVersion(): void {
    // one rule for every document: the XML 1.0 Char set (markup.ts)
  },
};
