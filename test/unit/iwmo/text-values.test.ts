import { describe, expect, it } from 'vitest';
import { buildRetour, type DecodeError, decode, encode, type IwmoMessage } from '../../../iwmo';
import { validateWithXsd, valuesWithXsd } from '../../support/xmllint';
import { marker } from './mutations';
import { sample, xsdOf } from './samples';
import { issueSeeds } from './seeds';
import { valueDifferences } from './values';

/*
 * What decode reads in a document's text, against xmllint (issue 7, items 1 and 3): character
 * references decoded once, references to characters XML forbids and undefined entities refused by the
 * rule they break, processing instructions and comments wherever XML allows them, a DOCTYPE only
 * where it really is one. Every expectation is checked against xmllint first, so it cannot be wrong
 * the way the decoder once was.
 */

const s301 = sample('301');
const s305 = sample('305');

function decoded(xml: string): IwmoMessage {
  const res = decode(xml);
  if (!res.ok) throw new Error(`refused: ${res.error.rule} ${res.error.message} at ${res.error.path}`);
  return res.value.message;
}

function errorOf(xml: string): DecodeError {
  const res = decode(xml);
  if (res.ok) throw new Error('expected decode to refuse the document');
  return res.error;
}

const surname = (m: IwmoMessage) =>
  m.type === 'WMO305' ? m.bericht.Client.Naam.Geslachtsnaam.Achternaam : undefined;

describe('the seed corpus of issue 7: decode agrees with xmllint on verdict and values', () => {
  it.each(issueSeeds.map((s) => [s.name, s] as const))('%s', (_, seed) => {
    const xsd = valuesWithXsd(seed.xml, xsdOf(seed.nr));
    const res = decode(seed.xml);
    expect(
      res.ok,
      `decode ${res.ok ? 'accepts' : `refuses: ${res.error.message}`}; xmllint: ${xsd.output}`,
    ).toBe(xsd.valid);
    if (res.ok && xsd.leaves) expect(valueDifferences(res.value.message, xsd.leaves)).toEqual([]);
  });
});

describe('character references (&#NNN; and &#xHHHH;) are decoded', () => {
  it('a surname written Jos&#233; or Jos&#xE9; reads José', () => {
    for (const ref of ['&#233;', '&#xE9;', '&#x00E9;']) {
      expect(surname(decoded(s305.replace('>Wit<', `>Jos${ref}<`)))).toBe('José');
    }
  });

  it('an astral character (&#x1F600;) reads as one code point', () => {
    expect(surname(decoded(s305.replace('>Wit<', '>Wit&#x1F600;<')))).toBe('Wit\u{1F600}');
  });

  it('&amp;#233; is the text &#233;: each reference is decoded once', () => {
    expect(surname(decoded(s305.replace('>Wit<', '>Jos&amp;#233;<')))).toBe('Jos&#233;');
  });

  it('a reference in a CDATA section is text, and a literal & there is allowed', () => {
    expect(surname(decoded(s305.replace('>Wit<', '>W<![CDATA[&#233; & ]]>it<')))).toBe('W&#233; & it');
  });

  it('an XSD-valid Afzender written &#49;916 is the gemeente 1916', () => {
    const m = decoded(s301.replace('<wmo301:Afzender>0384<', '<wmo301:Afzender>&#49;916<'));
    expect(m.bericht.Header.Afzender).toBe('1916');
  });

  it('a number written with references (&#49;&#50;) is the integer', () => {
    const xml = s305.replace('<wmo305:ToewijzingNummer>300201<', '<wmo305:ToewijzingNummer>&#51;00201<');
    const m = decoded(xml);
    expect(m.type === 'WMO305' && m.bericht.Client.StartProducten.StartProduct[0]?.ToewijzingNummer).toBe(
      300201,
    );
  });

  it('&#13; is a carriage return; a CR LF written in the file is a line feed (XML 1.0 §2.11)', () => {
    const xml = s301.replace('>Client commentaar<', '>a&#13;\r\nb\rc<');
    const m = decoded(xml);
    expect(m.type === 'WMO301' && m.bericht.Client.Commentaar).toBe('a\r\nb\nc');
  });
});

describe('references XML forbids are refused, naming the rule', () => {
  const forbidden = ['&#0;', '&#x1F;', '&#xFFFE;', '&#xD800;', '&#x110000;', '&#99999999999;', '&#x;', '&#;'];
  it.each(forbidden)('%s: XML-CHAR (WFC Legal Character), with its position', (ref) => {
    const xml = s305.replace('>Wit<', `>${marker}${ref}<`);
    expect(validateWithXsd(xml, xsdOf('305')).valid).toBe(false);
    const error = errorOf(xml);
    expect(error).toMatchObject({ kind: 'malformed-xml', rule: 'XML-CHAR' });
    expect(error.message).toMatch(/regel 26, kolom \d+/);
    expect(JSON.stringify(error)).not.toContain(marker);
  });

  it.each(['&eacute;', '&nbsp;', '&bogus;'])('%s: an undefined entity is refused as XML-ENTITY', (ref) => {
    const xml = s305.replace('>Wit<', `>${marker}${ref}<`);
    expect(validateWithXsd(xml, xsdOf('305')).valid).toBe(false);
    expect(errorOf(xml)).toMatchObject({ kind: 'malformed-xml', rule: 'XML-ENTITY' });
  });

  it('a bare & (not a reference) is not well-formed', () => {
    const xml = s305.replace('>Wit<', '>W & it<');
    expect(validateWithXsd(xml, xsdOf('305')).valid).toBe(false);
    expect(errorOf(xml)).toMatchObject({ kind: 'malformed-xml', rule: 'XML-WELLFORMED' });
  });
});

describe('a retour copies decoded values, and encode escapes them', () => {
  it('a 302 returning a client named Jos&#233; writes José, not Jos&amp;#233;', () => {
    const heen = decoded(s301.replace('<iwmo:Achternaam>Wit<', '<iwmo:Achternaam>Jos&#233;<'));
    if (heen.type !== 'WMO301') throw new Error('expected a 301');
    const path = '/Bericht/Client/ToegewezenProducten/ToegewezenProduct[1]/ToewijzingNummer';
    const res = buildRetour(heen, [{ rule: 'TR332', retourCode: '9332', path, message: '', hint: '' }], {
      identificatie: 'R-1',
      dagtekening: '2026-11-25',
    });
    if (!res.ok) throw new Error(res.reason);
    const out = encode(res.retour, { rules: 'report' });
    if (!out.ok) throw new Error(JSON.stringify(out.findings));
    expect(out.xml).toContain('<iwmo:Achternaam>José</iwmo:Achternaam>');
    expect(out.xml).not.toContain('&amp;#');
    expect(validateWithXsd(out.xml, xsdOf('302')).output).toMatch(/validates/);
    const back = decoded(out.xml);
    expect(back.type === 'WMO302' && back.bericht.Client?.Naam.Geslachtsnaam.Achternaam).toBe('José');
  });

  it('a carriage return in a value is written as a reference, so it survives the round trip', () => {
    const heen = decoded(s301.replace('>Client commentaar<', '>a&#13;b<'));
    const out = encode(heen, { rules: 'report' });
    if (!out.ok) throw new Error(JSON.stringify(out.findings));
    const back = decoded(out.xml);
    expect(back.type === 'WMO301' && back.bericht.Client.Commentaar).toBe('a\rb');
  });
});

describe('markup XML allows where decode refused it', () => {
  it('a processing instruction inside Bericht, between elements and inside a value', () => {
    const between = s305.replace('<wmo305:Client>', '<?foo bar?><wmo305:Client>');
    const inside = s305.replace('>Wit<', '>W<?foo?>it<');
    for (const xml of [between, inside]) {
      expect(validateWithXsd(xml, xsdOf('305')).valid).toBe(true);
      expect(surname(decoded(xml))).toBe('Wit');
    }
  });

  it('Unicode spaces are text: in a value, in an attribute value; comments and whitespace after the root', () => {
    const value = s305.replace('>Wit<', '>Wit\u00A0\u3000<');
    expect(validateWithXsd(value, xsdOf('305')).valid).toBe(true);
    expect(surname(decoded(value))).toBe('Wit\u00A0\u3000');
    const attribute = s305.replace(
      '<wmo305:Bericht ',
      '<wmo305:Bericht xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="x\u00A0]]>" ',
    );
    expect(decoded(attribute).type).toBe('WMO305');
    const epilog = `${s305}\n<!-- c -->\n<?pi x?>\n`;
    expect(validateWithXsd(epilog, xsdOf('305')).valid).toBe(true);
    expect(decoded(epilog).type).toBe('WMO305');
  });

  it('a comment containing the text <!DOCTYPE (and & and <) is a comment, not a DTD', () => {
    const xml = s305
      .replace('?>', '?><!-- <!DOCTYPE x [<!ENTITY e "x">]> & < -->')
      .replace('<wmo305:Header>', '<!-- <!DOCTYPE y> --><wmo305:Header>');
    expect(validateWithXsd(xml, xsdOf('305')).valid).toBe(true);
    expect(decoded(xml).type).toBe('WMO305');
  });

  it('Toewijzingstijd 24:00:00 is a valid xs:time: decoded as written, no rule breaks on it', () => {
    for (const time of ['24:00:00', '24:00:00.000']) {
      const xml = s301.replace(/(<wmo301:Toewijzingstijd>)[^<]*/, `$1${time}`);
      expect(validateWithXsd(xml, xsdOf('301')).valid).toBe(true);
      const res = decode(xml);
      if (!res.ok) throw new Error(res.error.message);
      const m = res.value.message;
      expect(
        m.type === 'WMO301' && m.bericht.Client.ToegewezenProducten.ToegewezenProduct[0]?.Toewijzingstijd,
      ).toBe(time);
      expect(res.value.findings).toEqual([]);
    }
  });

  it('but not 24:00:01, 24:00:00.5 or 24:30:00 (xmllint agrees)', () => {
    for (const time of ['24:00:01', '24:00:00.5', '24:30:00']) {
      const xml = s301.replace(/(<wmo301:Toewijzingstijd>)[^<]*/, `$1${time}`);
      expect(validateWithXsd(xml, xsdOf('301')).valid, time).toBe(false);
      expect(errorOf(xml), time).toMatchObject({ kind: 'schema' });
    }
  });
});

describe('markup XML does not allow, refused with its position', () => {
  const cases: [string, string, string][] = [
    [
      'a DOCTYPE inside Bericht',
      s305.replace('<wmo305:Client>', '<!DOCTYPE x><wmo305:Client>'),
      'malformed-xml',
    ],
    [
      'an ENTITY declaration inside Bericht',
      s305.replace('<wmo305:Client>', '<!ENTITY e "x"><wmo305:Client>'),
      'malformed-xml',
    ],
    ['"]]>" in text', s305.replace('>Wit<', '>W]]>it<'), 'malformed-xml'],
    ['"--" in a comment', s305.replace('<wmo305:Client>', '<!-- a -- b --><wmo305:Client>'), 'malformed-xml'],
    [
      'an XML declaration not at the start',
      s305.replace('<wmo305:Client>', '<?xml version="1.0"?><wmo305:Client>'),
      'malformed-xml',
    ],
    [
      'a processing instruction without a target',
      s305.replace('<wmo305:Client>', '<? x?><wmo305:Client>'),
      'malformed-xml',
    ],
    [
      'a processing instruction named XmL',
      s305.replace('<wmo305:Client>', '<?XmL x?><wmo305:Client>'),
      'malformed-xml',
    ],
    ['an unclosed comment', s305.replace('<wmo305:Client>', '<!-- x <wmo305:Client>'), 'malformed-xml'],
    ['an XML declaration without version', s305.replace('version="1.0" ', ''), 'malformed-xml'],
    ['a character reference after the root element', `${s305.trimEnd()}&#32;`, 'malformed-xml'],
    ['a CDATA section after the root element', `${s305}<![CDATA[x]]>\n<!-- c -->`, 'malformed-xml'],
    [
      'a no-break space between a tag name and ">"',
      s305.replace('<wmo305:Client>', '<wmo305:Client\u00A0>'),
      'malformed-xml',
    ],
    [
      'an ideographic space after "</"',
      s305.replace('</wmo305:Client>', '</\u3000wmo305:Client>'),
      'malformed-xml',
    ],
    [
      'a no-break space between elements (not XML whitespace)',
      s305.replace('<wmo305:Client>', '\u00A0<wmo305:Client>'),
      'schema',
    ],
    [
      'a no-break space around a number (the XSD collapses XML whitespace only)',
      s305.replace('>300201<', '>\u00A0300201<'),
      'schema',
    ],
  ];
  it.each(cases)('%s', (_, xml, kind) => {
    expect(validateWithXsd(xml, xsdOf('305')).valid).toBe(false);
    const error = errorOf(xml);
    expect(error.kind).toBe(kind);
    if (kind === 'malformed-xml') expect(error.message).toMatch(/regel \d+, kolom \d+/);
  });

  it('a DOCTYPE in the prolog is refused on purpose, though xmllint reads it (no entity expansion)', () => {
    const xml = s305.replace('?>', '?>\n<!DOCTYPE x>');
    expect(validateWithXsd(xml, xsdOf('305')).valid).toBe(true);
    expect(errorOf(xml)).toMatchObject({
      kind: 'forbidden-dtd',
      rule: 'XML-DTD',
      message: /regel 2, kolom 1\)/,
    });
  });

  it('"]]>" inside an attribute value is no CDATA end (the attribute is refused for another reason)', () => {
    const xml = s305.replace('<wmo305:Bericht ', '<wmo305:Bericht foo="]]>" ');
    expect(errorOf(xml)).toMatchObject({ kind: 'schema', message: 'Attribuut is niet toegestaan' });
  });
});
