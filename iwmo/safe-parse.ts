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

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Only the five predefined entities (and character references) can occur: a DTD is refused above.
  processEntities: true,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Repeated elements stay arrays only where they repeat; codecs normalise per schema.
});

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
