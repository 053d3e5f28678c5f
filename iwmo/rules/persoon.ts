import type { Wmo301 } from '../messages';
import { type Findings, yearsBefore } from './finding';

/*
 * Rules on a person's birth date (CS139, TR002: 301 client and relations, 305, 307, 315) and on the 301's
 * Contact class, used for the client's addresses and each relation's contact (CD005, CD009, CD025,
 * CD034, CS089, CS003 on the Periode, TR006).
 */

export interface Geboortedatum {
  Datum: string;
  DatumGebruik?: string;
}

/** CS139 (IV009): unknown parts are filled with 01 (day, month) or 1900 (year). */
function datumGebruikOk(g: Geboortedatum): boolean {
  switch (g.DatumGebruik) {
    case '1':
      return g.Datum.endsWith('-01');
    case '2':
      return g.Datum.endsWith('-01-01');
    case '3':
      return g.Datum === '1900-01-01';
    default:
      return true;
  }
}

/** CS139 and TR002 (at most 120 years before the Dagtekening, unless unknown: DatumGebruik 3, 1900-01-01). */
export function checkGeboortedatum(f: Findings, g: Geboortedatum, at: string, dagtekening: string): void {
  f.check(datumGebruikOk(g), 'CS139', `${at}/DatumGebruik`);
  const unknown = g.DatumGebruik === '3' && g.Datum === '1900-01-01';
  f.check(unknown || g.Datum >= yearsBefore(dagtekening, 120), 'TR002', `${at}/Datum`);
}

type Contact = Wmo301['Client']['Contactgegevens']['Contact'][number];

/** A Dutch postcode: four digits, the first not 0, and two capital letters, no space. */
const DUTCH_POSTCODE = /^[1-9][0-9]{3}[A-Z]{2}$/;

export function checkContact(f: Findings, c: Contact, at: string): void {
  const a = c.Adres;
  f.check((a?.LandCode === undefined) === (a?.Postcode === undefined), 'CD005', `${at}/Adres/LandCode`);
  f.check(!c.Periode || c.Soort === '04', 'CD009', `${at}/Periode`);
  const dutch = a?.LandCode === 'NL';
  f.check(!(dutch && !a?.Huis), 'CD025', `${at}/Adres/Huis`);
  f.check(!(['01', '03'].includes(c.Soort) && a?.Postcode === undefined), 'CD034', `${at}/Adres/Postcode`);
  const postcode = a?.Postcode;
  f.check(!dutch || postcode === undefined || DUTCH_POSTCODE.test(postcode), 'CS089', `${at}/Adres/Postcode`);
  f.check(Boolean(c.Telefoon || (a?.Huis && a.Postcode !== undefined)), 'TR006', at);
  const p = c.Periode;
  f.check(!(p?.Begindatum && p.Einddatum && p.Einddatum < p.Begindatum), 'CS003', `${at}/Periode/Einddatum`);
}
