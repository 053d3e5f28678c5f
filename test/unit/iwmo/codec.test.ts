import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../app/temporal-binaries';
import { decode, encode, type IwmoMessage, parseXml, stripNamespaces } from '../../../iwmo';
import { generate } from '../../../scripts/generate-iwmo-model';
import { validateWithXsd } from '../../support/xmllint';
import { decodedSample, heenNumbers, sample, xsdOf } from './samples';

/** The namespace-free tree of a document: what "semantically equal" compares. */
function plainOf(xml: string) {
  const parsed = parseXml(xml);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return stripNamespaces(parsed.value);
}

function schemaErrorOf(xml: string) {
  const res = decode(xml);
  if (res.ok || res.error.kind !== 'schema') throw new Error('expected a schema error');
  return res.error;
}

describe('generated model', () => {
  it('iwmo/model/ is what scripts/generate-iwmo-model.ts makes from the XSDs', () => {
    for (const [name, text] of generate()) {
      expect(readFileSync(join(repoRoot, 'iwmo', 'model', name), 'utf8'), name).toBe(text);
    }
  });
});

describe('decode and encode the samples', () => {
  it.each(heenNumbers)('WMO%s: decodes, and encode(decode(x)) is semantically x and XSD-valid', (nr) => {
    const xml = sample(nr);
    const res = decode(xml);
    if (!res.ok) throw new Error(`${res.error.message} at ${res.error.path}`);
    expect(res.value.message.type).toBe(`WMO${nr}`);
    const out = encode(res.value.message, { rules: 'report' });
    if (!out.ok) throw new Error(JSON.stringify(out.findings));
    expect(plainOf(out.xml)).toEqual(plainOf(xml));
    const xsd = validateWithXsd(out.xml, xsdOf(nr));
    expect(xsd.output).toMatch(/validates/);
  });

  it('types integers and amounts as numbers (euro cents), dates as text', () => {
    const m = decodedSample('WMO323').bericht;
    expect(m.Header.BerichtVersie).toBe(3);
    expect(typeof m.Declaratie.TotaalIngediendBedrag.TotaalBedrag).toBe('number');
    const p = m.Declaratie.Clienten.Client[0]?.Prestaties.Prestatie[0];
    expect(typeof p?.ToewijzingNummer).toBe('number');
    expect(m.Declaratie.DeclaratiePeriode.Begindatum).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('writes the message namespace on message elements and the basisschema on CDT children', () => {
    const out = encode(decodedSample('WMO301'), { rules: 'report' });
    if (!out.ok) throw new Error('encode failed');
    expect(out.xml).toContain('<wmo301:BerichtIdentificatie>');
    expect(out.xml).toContain('<iwmo:Identificatie>');
    expect(out.xml).toContain('xmlns:wmo301="http://www.istandaarden.nl/iwmo/3_2/wmo301/schema"');
    expect(out.xml).toContain('<wmo301:BerichtCode>414</wmo301:BerichtCode>');
  });

  it('escapes text so markup in a comment cannot break the document', () => {
    const m = decodedSample('WMO301');
    const product = m.bericht.Client.ToegewezenProducten.ToegewezenProduct[0];
    if (!product) throw new Error('sample has a product');
    product.Commentaar = 'a < b & "c" </wmo301:Bericht>';
    const out = encode(m, { rules: 'report' });
    if (!out.ok) throw new Error('encode failed');
    const back = decode(out.xml);
    expect(
      back.ok &&
        back.value.message.type === 'WMO301' &&
        back.value.message.bericht.Client.ToegewezenProducten.ToegewezenProduct[0]?.Commentaar,
    ).toBe(product.Commentaar);
  });
});

describe('XSD-level problems name the path and never the content', () => {
  it('a missing mandatory element', () => {
    const xml = sample('301').replace(/<wmo301:Toewijzingstijd>[^<]*<\/wmo301:Toewijzingstijd>/, '');
    const err = schemaErrorOf(xml);
    expect(err.path).toBe('/Bericht/Client/ToegewezenProducten/ToegewezenProduct[1]/Toewijzingstijd');
    expect(err.message).toMatch(/Verplicht element ontbreekt/);
  });

  it('a wrong type: letters in the integer ToewijzingNummer', () => {
    const xml = sample('301').replace(/(<wmo301:ToewijzingNummer>)[^<]*/, '$1ABC');
    expect(schemaErrorOf(xml).path).toBe(
      '/Bericht/Client/ToegewezenProducten/ToegewezenProduct[1]/ToewijzingNummer',
    );
  });

  it('a value outside its code list, and an iJw product category', () => {
    const xml = sample('301').replace(/(<iwmo:Categorie>)[^<]*/, '$145');
    expect(schemaErrorOf(xml).path).toMatch(/Product\/Categorie$/);
  });

  it('an unknown element and an element out of order', () => {
    const unknown = sample('305').replace('<wmo305:Bsn>', '<wmo305:Extra>x</wmo305:Extra><wmo305:Bsn>');
    expect(schemaErrorOf(unknown).findings?.map((f) => f.path)).toContain('/Bericht/Client/Extra');
    const swapped = sample('301').replace(
      /(<wmo301:Geboortedatum>[\s\S]*?<\/wmo301:Geboortedatum>)(\s*)(<wmo301:Geslacht>[^<]*<\/wmo301:Geslacht>)/,
      '$3$2$1',
    );
    expect(schemaErrorOf(swapped).findings?.some((f) => /volgorde/.test(f.message))).toBe(true);
  });

  it('an empty element (RS033) and a date with a time zone', () => {
    const empty = sample('305').replace(/(<iwmo:Achternaam>)[^<]*/, '$1');
    expect(schemaErrorOf(empty).path).toMatch(/Achternaam$/);
    const tz = sample('305').replace(/(<wmo305:Begindatum>[0-9-]+)/, '$1Z');
    expect(schemaErrorOf(tz).path).toMatch(/Begindatum$/);
  });

  it('the BSN of the sample never appears in an error', () => {
    const xml = sample('301').replace(/(<wmo301:Bsn>)[^<]*/, '$112345678X');
    const err = schemaErrorOf(xml);
    expect(err.path).toBe('/Bericht/Client/Bsn');
    expect(JSON.stringify(err)).not.toContain('12345678X');
  });
});

describe('encode refuses what would be rejected', () => {
  it('a message that breaks the XSD gives findings, not XML', () => {
    const m = decodedSample('WMO305');
    const broken = { type: 'WMO305', bericht: { ...m.bericht, Client: { ...m.bericht.Client, Bsn: '12' } } };
    const out = encode(broken as IwmoMessage);
    expect(out.ok).toBe(false);
    expect(out.findings[0]?.path).toBe('/Bericht/Client/Bsn');
  });
});
