import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../app/temporal-binaries';
import { deriveRetourXsd, retourCodes } from '../../../scripts/derive-retour-xsds';
import { validateWithXsd } from '../../support/xmllint';

/*
 * The schema fixtures the codec tests validate against: the seven published iWmo heen schemas and the
 * seven retour schemas derived from their iJw twins (scripts/derive-retour-xsds.ts).
 */

const fixtures = join(repoRoot, 'test', 'fixtures');
const iwmoXsd = (name: string) => join(fixtures, 'iwmo-3.2', 'xsd', name);
const heen = ['301', '305', '307', '315', '317', '319', '323'];

/** Retours copy the heen header unchanged, so the provider is Afzender on retours of its own messages. */
const fromAanbieder = new Set(['306', '308', '316', '318', '325']);

function approvedRetour(nr: string, code: string): string {
  const [afzender, ontvanger] = fromAanbieder.has(nr) ? ['12345678', '1916'] : ['1916', '12345678'];
  const ns = `http://www.istandaarden.nl/iwmo/3_2/wmo${nr}/schema`;
  const base = 'http://www.istandaarden.nl/iwmo/3_2/basisschema/schema';
  return `<?xml version="1.0" encoding="UTF-8"?>
<wmo:Bericht xmlns:wmo="${ns}" xmlns:iwmo="${base}">
  <wmo:Header>
    <wmo:BerichtCode>${code}</wmo:BerichtCode><wmo:BerichtVersie>3</wmo:BerichtVersie>
    <wmo:BerichtSubversie>2</wmo:BerichtSubversie><wmo:Afzender>${afzender}</wmo:Afzender>
    <wmo:Ontvanger>${ontvanger}</wmo:Ontvanger>
    <wmo:BerichtIdentificatie><iwmo:Identificatie>T301-000001</iwmo:Identificatie>
      <iwmo:Dagtekening>2026-11-02</iwmo:Dagtekening></wmo:BerichtIdentificatie>
    <wmo:XsdVersie><iwmo:BasisschemaXsdVersie>1.0.0</iwmo:BasisschemaXsdVersie>
      <iwmo:BerichtXsdVersie>1.0.0</iwmo:BerichtXsdVersie></wmo:XsdVersie>
    <wmo:IdentificatieRetour>R302-000001</wmo:IdentificatieRetour>
    <wmo:DagtekeningRetour>2026-11-03</wmo:DagtekeningRetour>
    <wmo:XsdVersieRetour><iwmo:BasisschemaXsdVersie>1.0.0</iwmo:BasisschemaXsdVersie>
      <iwmo:BerichtXsdVersie>1.0.0</iwmo:BerichtXsdVersie></wmo:XsdVersieRetour>
  </wmo:Header>
</wmo:Bericht>`;
}

describe('iWmo 3.2 schema fixtures', () => {
  it.each(heen)('sample WMO%s validates against its published schema', (nr) => {
    const xml = readFileSync(join(fixtures, 'iwmo-3.2', 'messages', `WMO${nr}.xml`), 'utf8');
    const result = validateWithXsd(xml, iwmoXsd(`WMO${nr}.xsd`));
    expect(result.output).toContain('validates');
    expect(result.valid).toBe(true);
  });

  it.each(retourCodes)(
    'derived WMO%s.xsd is up to date with its derivation from the iJw twin (code %s)',
    (nr, jwCode, wmoCode) => {
      const jw = readFileSync(join(fixtures, 'ijw-3.2', 'xsd', `JW${nr}.xsd`), 'utf8');
      const derived = readFileSync(iwmoXsd(`WMO${nr}.xsd`), 'utf8');
      expect(derived).toBe(deriveRetourXsd(jw, nr, jwCode, wmoCode));
      expect(derived).not.toMatch(/ijw|jw3\d\d|GezagsdragerBekend|Woonplaatsbeginsel/);
    },
  );

  it('an approved 302 (header only) validates; the iJw BerichtCode or a missing header field does not', () => {
    expect(validateWithXsd(approvedRetour('302', '415'), iwmoXsd('WMO302.xsd')).valid).toBe(true);
    expect(validateWithXsd(approvedRetour('302', '437'), iwmoXsd('WMO302.xsd')).valid).toBe(false);
    const noRetourId = approvedRetour('302', '415').replace(
      /<wmo:IdentificatieRetour>.*?<\/wmo:IdentificatieRetour>/,
      '',
    );
    expect(validateWithXsd(noRetourId, iwmoXsd('WMO302.xsd')).valid).toBe(false);
  });

  it.each([
    ['306', '419'],
    ['308', '421'],
    ['316', '445'],
    ['318', '481'],
    ['320', '483'],
  ])('derived WMO%s.xsd compiles and accepts an approved header-only retour', (nr, code) => {
    const result = validateWithXsd(approvedRetour(nr, code), iwmoXsd(`WMO${nr}.xsd`));
    expect(result.output).not.toContain('failed to compile');
    expect(result.valid).toBe(true);
  });

  it('derived WMO325.xsd compiles', () => {
    const result = validateWithXsd(approvedRetour('325', '485'), iwmoXsd('WMO325.xsd'));
    // The 325 header differs (DeclaratieIdentificatie, RetourCodes): this document must be refused, by
    // validation and not by a schema that fails to compile.
    expect(result.output).not.toContain('failed to compile');
    expect(result.valid).toBe(false);
  });

  it('holds exactly the 14 iWmo message schemas and the basisschema', () => {
    const names = readdirSync(join(fixtures, 'iwmo-3.2', 'xsd')).sort();
    expect(names).toHaveLength(15);
    expect(names).toContain('basisschema.xsd');
  });
});
