import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../app/temporal-binaries';

/*
 * No public iWmo 3.2 retour XSD exists. Their iJw twins do, and (per shared/fixtures/README.md) an iWmo
 * retour schema is the iJw one with the iWmo namespaces, the iWmo BerichtCode, and two iJw-only elements
 * removed. This derives test/fixtures/iwmo-3.2/xsd/WMO3NN.xsd from test/fixtures/ijw-3.2/xsd/JW3NN.xsd.
 *   npx tsx scripts/derive-retour-xsds.ts
 * The XsdVersie values in appinfo are set to the heen schemas' 1.0.0: the real ones are unconfirmed.
 */

/** iJw retour → iWmo retour: message number, iJw BerichtCode, iWmo BerichtCode (COD002). */
export const retourCodes = [
  ['302', '437', '415'],
  ['306', '439', '419'],
  ['308', '441', '421'],
  ['316', '447', '445'],
  ['318', '487', '481'],
  ['320', '489', '483'],
  ['325', '491', '485'],
] as const;

const ijwBase = 'http://www.istandaarden.nl/ijw/3_2/basisschema/schema';
const iwmoBase = 'http://www.istandaarden.nl/iwmo/3_2/basisschema/schema';

/** Removes one element declaration (and a type of the same name) that only iJw has. */
function removeElement(xsd: string, name: string): string {
  const selfClosed = new RegExp(`[ \\t]*<xs:element name="${name}"[^>]*></xs:element>\\r?\\n`, 'g');
  const withBody = new RegExp(`[ \\t]*<xs:element name="${name}"[^>]*>[\\s\\S]*?</xs:element>\\r?\\n`, 'g');
  const type = new RegExp(`[ \\t]*<xs:complexType name="${name}">[\\s\\S]*?</xs:complexType>\\r?\\n`, 'g');
  return xsd.replace(selfClosed, '').replace(withBody, '').replace(type, '');
}

export function deriveRetourXsd(jwXsd: string, nr: string, jwCode: string, wmoCode: string): string {
  let xsd = jwXsd
    .replaceAll(ijwBase, iwmoBase)
    .replaceAll(
      `http://www.istandaarden.nl/ijw/3_2/jw${nr}/schema`,
      `http://www.istandaarden.nl/iwmo/3_2/wmo${nr}/schema`,
    )
    .replaceAll('xmlns:ijw=', 'xmlns:iwmo=')
    .replaceAll(`xmlns:jw${nr}=`, `xmlns:wmo${nr}=`)
    .replace(/(["<\s/])ijw:/g, '$1iwmo:')
    .replace(new RegExp(`(["<\\s/])jw${nr}:`, 'g'), `$1wmo${nr}:`)
    .replace('<iwmo:standaard>ijw</iwmo:standaard>', '<iwmo:standaard>iwmo</iwmo:standaard>')
    .replace(`<iwmo:bericht>jw${nr}</iwmo:bericht>`, `<iwmo:bericht>wmo${nr}</iwmo:bericht>`)
    .replace(/(XsdM(?:in|ax)?Versie>|XsdVersie>)0\.1\.0</g, '$11.0.0<')
    .replace(`<xs:pattern value="${jwCode}"/>`, `<xs:pattern value="${wmoCode}"/>`);
  if (nr === '316') xsd = removeElement(xsd, 'GezagsdragerBekend');
  if (nr === '320') xsd = removeElement(xsd, 'Woonplaatsbeginsel');
  return xsd;
}

function main(): void {
  const fixtures = join(repoRoot, 'test', 'fixtures');
  for (const [nr, jwCode, wmoCode] of retourCodes) {
    const jw = readFileSync(join(fixtures, 'ijw-3.2', 'xsd', `JW${nr}.xsd`), 'utf8');
    writeFileSync(
      join(fixtures, 'iwmo-3.2', 'xsd', `WMO${nr}.xsd`),
      deriveRetourXsd(jw, nr, jwCode, wmoCode),
    );
  }
}

if (process.argv[1]?.endsWith('derive-retour-xsds.ts')) main();
