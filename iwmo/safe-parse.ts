import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { fail, type Result } from './problems';

/*
 * The one way iwmo/ turns text into a tree. Guards come first, so a hostile document never reaches
 * the parser: a size limit (OP179: 25 MB guideline) and no DTD at all (no entity expansion, no
 * external entities). Namespace prefixes are kept; detect.ts resolves them by URI.
 */

export const defaultMaxBytes = 25 * 1024 * 1024;

export interface ParseOptions {
  maxBytes?: number;
}

export type XmlNode = Record<string, unknown>;

/** The parser settings iwmo/ reads with (exported for bench/, which times the parser on its own). */
export const parserOptions = {
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Only the five predefined entities (and character references) can occur: a DTD is refused above.
  processEntities: true,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  // xs:string keeps its whitespace (whiteSpace preserve); structure.ts collapses it where the XSD does.
  trimValues: false,
  // Repeated elements stay arrays only where they repeat; codecs normalise per schema.
} as const;
const parser = new XMLParser(parserOptions);

/** UTF-8 byte length without Buffer (this module runs inside the workflow sandbox too). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Characters XML 1.0 forbids anywhere (control characters other than tab, LF and CR; U+FFFE/U+FFFF). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters to find
export const forbiddenXmlChar = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

const allowedCodePoint = (c: number) =>
  c === 0x9 ||
  c === 0xa ||
  c === 0xd ||
  (c >= 0x20 && c <= 0xd7ff) ||
  (c >= 0xe000 && c <= 0xfffd) ||
  (c >= 0x10000 && c <= 0x10ffff);

/**
 * Index of the first forbidden character or entity reference, or -1. The parser's validator lets an
 * undefined entity (&eacute;) and a reference to a forbidden character (&#0;) through.
 */
function firstBadCharacter(xml: string): number {
  const raw = forbiddenXmlChar.exec(xml);
  const first = raw ? raw.index : -1;
  for (const m of xml.matchAll(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_][\w.-]*)?;?/g)) {
    if (first >= 0 && m.index > first) break;
    const [whole, ref] = m;
    const ok =
      whole.endsWith(';') &&
      ref !== undefined &&
      (['lt', 'gt', 'amp', 'apos', 'quot'].includes(ref) ||
        (ref.startsWith('#') &&
          allowedCodePoint(ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1)))));
    if (!ok) return m.index;
  }
  return first;
}

function position(xml: string, index: number): { line: number; col: number } {
  const before = xml.slice(0, index);
  const line = before.split('\n').length;
  return { line, col: index - before.lastIndexOf('\n') };
}

export function parseXml(xml: string, options: ParseOptions = {}): Result<XmlNode> {
  const maxBytes = options.maxBytes ?? defaultMaxBytes;
  // Cheap bound first: UTF-8 needs at least one byte per UTF-16 unit and at most three.
  if (xml.length > maxBytes || (xml.length * 3 > maxBytes && utf8Length(xml) > maxBytes)) {
    return fail(
      'too-large',
      'OP179',
      '/',
      `Bericht groter dan ${maxBytes} bytes`,
      'Split the content over several messages; the standard advises at most 25 MB per file.',
    );
  }
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    return fail(
      'forbidden-dtd',
      'XML-DTD',
      '/',
      'Bericht bevat een DTD of entiteitdeclaratie',
      'iWmo messages are validated by XSD only; remove the <!DOCTYPE> and any <!ENTITY> declarations.',
    );
  }
  const badCharacter = firstBadCharacter(xml);
  if (badCharacter >= 0) {
    const { line, col } = position(xml, badCharacter);
    return fail(
      'malformed-xml',
      'XML-WELLFORMED',
      '/',
      `Bericht bevat een teken of entiteit die XML niet toestaat (regel ${line}, kolom ${col})`,
      `Remove the control character or undefined entity at line ${line}, column ${col}; only &lt; &gt; &amp; &apos; &quot; and character references to allowed characters exist without a DTD.`,
    );
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    // Only the position: the parser's own message can quote broken markup, and with it content such
    // as a name or a BSN (found by the fuzz test).
    const { line, col } = valid.err;
    return fail(
      'malformed-xml',
      'XML-WELLFORMED',
      '/',
      `Bericht is geen well-formed XML (regel ${line}, kolom ${col})`,
      `Fix the XML syntax at line ${line}, column ${col} (unclosed or mismatched tag, bad attribute).`,
    );
  }
  try {
    return { ok: true, value: parser.parse(xml) as XmlNode };
  } catch {
    return fail(
      'malformed-xml',
      'XML-WELLFORMED',
      '/',
      'Bericht kon niet worden gelezen',
      'Check the XML syntax.',
    );
  }
}
