import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../app/temporal-binaries';
import {
  debetCredit,
  eenheid,
  frequentie,
  geslacht,
  productCategorie,
  redenBeeindiging,
  redenWijziging,
  retourCode,
  statusAanlevering,
} from '../../../iwmo';

type SimpleType = { '@_name': string; 'xs:restriction'?: { 'xs:enumeration'?: { '@_value': string }[] } };

/** The enumerations of the iWmo basisschema, read with a plain parser as an independent source. */
function xsdEnumerations(): Map<string, string[]> {
  const xsd = readFileSync(join(repoRoot, 'test', 'fixtures', 'iwmo-3.2', 'xsd', 'basisschema.xsd'), 'utf8');
  const parsed = new XMLParser({
    ignoreAttributes: false,
    isArray: (name) => name === 'xs:simpleType' || name === 'xs:enumeration',
  }).parse(xsd) as { 'xs:schema': { 'xs:simpleType': SimpleType[] } };
  return new Map(
    parsed['xs:schema']['xs:simpleType'].map((t) => [
      t['@_name'],
      (t['xs:restriction']?.['xs:enumeration'] ?? []).map((e) => String(e['@_value'])),
    ]),
  );
}

describe('code lists match basisschema.xsd', () => {
  const enums = xsdEnumerations();
  it.each([
    ['LDT_RedenWijziging', redenWijziging.schema.options],
    ['LDT_RedenBeeindiging', redenBeeindiging.schema.options],
    ['LDT_Eenheid', eenheid.schema.options],
    ['LDT_Frequentie', frequentie.schema.options],
    ['LDT_DebetCredit', debetCredit.schema.options],
    ['LDT_StatusAanlevering', statusAanlevering.schema.options],
    ['LDT_ProductCategorie', productCategorie.schema.options],
    ['LDT_Geslacht', geslacht.schema.options],
    ['LDT_RetourCode', retourCode.options],
  ])('%s', (typeName, codes) => {
    expect([...codes].sort()).toEqual([...(enums.get(typeName) ?? ['type missing'])].sort());
  });

  it('rejects an iJw product category', () => {
    expect(productCategorie.schema.safeParse('31').success).toBe(false);
  });
});
