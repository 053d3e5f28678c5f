import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { berichtSchemas, decode, encode, messageNumbers } from '../../../iwmo';
import { validateWithXsd } from '../../support/xmllint';
import { leafArbitrary, messageArbitrary } from './arbitraries';
import { marker } from './mutations';
import { encoded, messageAt, seed } from './property-support';
import { sample, xsdOf } from './samples';

/*
 * Property tests of the codec over random schema-valid messages (arbitraries.ts): round trip, XSD
 * validity of what encode writes, and the example tests that pin down what the fuzzing found
 * (properties-fuzz.test.ts); seeds.ts holds documents written elsewhere that decode once got wrong.
 * Encode's refusal of broken typed messages: properties-encode.test.ts.
 */

describe('the arbitraries', () => {
  it.each(messageNumbers)('WMO%s: every generated bericht passes the zod schema', (nr) => {
    fc.assert(
      fc.property(messageArbitrary(nr), (m) => {
        expect(m.type).toBe(`WMO${nr}`);
        const parsed = berichtSchemas[m.type].safeParse(m.bericht);
        if (!parsed.success) throw new Error(JSON.stringify(parsed.error.issues));
      }),
      { numRuns: 50, seed },
    );
  });

  it('refuse a leaf schema they cannot map, with a clear error', () => {
    expect(() => leafArbitrary(z.boolean(), '/Bericht/X')).toThrow(/cannot generate values for \/Bericht\/X/);
    expect(() => leafArbitrary(z.string().regex(/^[A-Z]{3}$/))).toThrow(/unknown pattern/);
    expect(() => leafArbitrary(z.string().email())).toThrow(/XSDs .* probably changed/);
    expect(() => leafArbitrary(z.number().min(0))).toThrow(/xs:decimal/);
  });
});

describe('round trip', () => {
  it.each(messageNumbers)('WMO%s: decode(encode(m)) gives back m', (nr) => {
    fc.assert(
      fc.property(messageArbitrary(nr), (m) => {
        const xml = encoded(m);
        const back = decode(xml);
        if (!back.ok) throw new Error(`${JSON.stringify(back.error)}\n${xml}`);
        expect(back.value.message).toEqual(m);
        expect(Array.isArray(back.value.findings)).toBe(true);
      }),
      { numRuns: 100, seed },
    );
  });
});

describe('what encode writes is XSD-valid', () => {
  it.each(messageNumbers)('WMO%s: random messages validate with xmllint', (nr) => {
    const failures: string[] = [];
    for (const m of fc.sample(messageArbitrary(nr), { numRuns: 8, seed })) {
      const xml = encoded(m);
      const res = validateWithXsd(xml, xsdOf(nr));
      if (!res.valid) failures.push(`${res.output}\n${xml}`);
    }
    expect(failures).toEqual([]);
  });
});

describe('text with whitespace at its ends (xs:string preserves whitespace)', () => {
  // The XSDs allow a ReferentieNummer of spaces only (LDT_ReferentieNummer: length 1..20, no pattern)
  // and spaces around a name (LDT_Naam: ".*[^\s].*"); zod accepts both too. The receiver must read
  // such a document as it is, not refuse it or change the values.
  it('a ReferentieNummer of spaces only: an XSD-valid document is not refused', () => {
    const xml = sample('323').replace(/(<iwmo:ReferentieNummer>)[^<]*/, '$1   ');
    expect(validateWithXsd(xml, xsdOf('323')).output).toMatch(/validates/);
    const res = decode(xml);
    if (!res.ok) throw new Error(`a valid document is refused: ${JSON.stringify(res.error)}`);
    const m = res.value.message;
    if (m.type !== 'WMO323') throw new Error('not a 323');
    const p = m.bericht.Declaratie.Clienten.Client[0]?.Prestaties.Prestatie[0];
    expect(p?.ProductReferentie.ReferentieNummer).toBe('   ');
  });

  it('a name with a space before it round-trips unchanged', () => {
    const message = messageAt('305', 1);
    if (message.type !== 'WMO305') throw new Error('not a 305');
    message.bericht.Client.Naam.Geslachtsnaam.Achternaam = ' Zqxwervelt';
    expect(berichtSchemas.WMO305.safeParse(message.bericht).success).toBe(true);
    const xml = encoded(message);
    expect(validateWithXsd(xml, xsdOf('305')).output).toMatch(/validates/);
    const back = decode(xml);
    expect(back.ok && back.value.message).toEqual(message);
  });
});

describe('decode refuses what the XSD refuses (found by the differential fuzz, properties-fuzz.test.ts)', () => {
  const base = sample('305');
  const cases: [string, string][] = [
    ['a child element inside a leaf', base.replace('>Wit<', '>Wit<iwmo:Foo/><')],
    ['an attribute on an element', base.replace('<wmo305:Bsn>', '<wmo305:Bsn foo="x">')],
    [
      'a message element in the basisschema namespace',
      base.replace(/<wmo305:Bsn>([0-9]+)<\/wmo305:Bsn>/, '<iwmo:Bsn>$1</iwmo:Bsn>'),
    ],
    [
      'a prefix bound to another namespace further down',
      base.replace('<wmo305:Client>', '<wmo305:Client xmlns:wmo305="urn:x">'),
    ],
    ['spaces around a code', base.replace(/(<wmo305:Geslacht>)([0-9])/, '$1 $2 ')],
    ['spaces around a BSN', base.replace(/(<wmo305:Bsn>)([0-9]+)/, '$1 $2 ')],
    ['an undefined entity reference (not well-formed)', base.replace('>Wit<', '>W&eacute;t<')],
    ['a reference to a character XML forbids (&#0;, not well-formed)', base.replace('>Wit<', '>W&#0;t<')],
  ];
  it.each(cases)('%s', (_, xml) => {
    expect(validateWithXsd(xml, xsdOf('305')).valid).toBe(false);
    const res = decode(xml);
    expect(res.ok).toBe(false);
  });
});

describe('encode writes only well-formed XML', () => {
  // zod's ".*[^\s].*" admits characters XML 1.0 forbids (C0 controls other than tab/LF/CR, U+FFFE/F).
  it('a name holding U+0001, U+000B, U+001F or U+FFFE is refused or escaped', () => {
    for (const c of ['\u0001', '\u000B', '\u001F', '\uFFFE']) {
      const message = messageAt('305', 1);
      if (message.type !== 'WMO305') throw new Error('not a 305');
      message.bericht.Client.Naam.Geslachtsnaam.Achternaam = `${marker}${c}x`;
      const out = encode(message, { rules: 'report' });
      const where = `U+${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
      if (out.ok) expect(validateWithXsd(out.xml, xsdOf('305')).output, where).toMatch(/validates/);
      else
        expect(
          out.findings.map((f) => f.path),
          where,
        ).toContain('/Bericht/Client/Naam/Geslachtsnaam/Achternaam');
    }
  });
});
