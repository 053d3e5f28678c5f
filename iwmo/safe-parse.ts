import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { checkMarkup } from './markup';
import { fail, type Result } from './problems';
import { referenceDecoder } from './xml-chars';

export { forbiddenXmlChar } from './xml-chars';

/*
 * The one way iwmo/ turns text into a tree. Guards come first, so a hostile document never reaches
 * the parser: a size limit (OP179: 25 MB guideline), no DTD at all (no entity expansion, no external
 * entities) and the markup checks fast-xml-parser does not make (markup.ts). Namespace prefixes are
 * kept; detect.ts resolves them by URI. Text values come out as XML defines them: line ends normalised,
 * references decoded once (xml-chars.ts), CDATA as it is, comments and processing instructions dropped.
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
  // Only the five predefined entities and character references can occur (a DTD is refused before
  // parsing); the parser's own decoder leaves character references as text unless told to decode
  // HTML entities too, so iwmo/ hands it one that decodes exactly XML's references.
  processEntities: true,
  entityDecoder: referenceDecoder,
  // Processing instructions may stand anywhere (XML 1.0 §2.6) and carry nothing for iWmo.
  ignorePiTags: true,
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
  const markup = checkMarkup(xml);
  if (markup) {
    const { line, col } = position(xml, markup.index);
    return fail(
      markup.kind,
      markup.rule,
      '/',
      `${markup.what} (regel ${line}, kolom ${col})`,
      `${markup.hint} (line ${line}, column ${col})`,
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
