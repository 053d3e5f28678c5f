import { type IsoDate, parseIsoDate } from '../calendar/iso-date';
import { isGemeenteCode } from '../iwmo/identifiers';

/*
 * Identifiers of a claim. ProductReferentie/ReferentieNummer (≤ 20 characters) must be unique per aanbieder
 * in the Wmo domain (TR314) and is made deterministically from gemeente + toewijzing + month + product +
 * sequence, so a retried workflow makes the same number and never a second one. The gemeente is part of it
 * because a ToewijzingNummer is unique only per gemeente (TR332). DeclaratieNummer is the caller's (≤ 12
 * letters or digits, unique per aanbieder, TR333); this module only checks its form.
 */

const b36 = (n: number, width: number) => n.toString(36).toUpperCase().padStart(width, '0');

export interface ReferentieParts {
  gemeente: string;
  toewijzingNummer: number;
  /** Any day of the line's ProductPeriode month. */
  periode: IsoDate;
  productCode: string;
  /** 0 for the first debit of this line; each credit and new debit of a correction takes the next one. */
  volgnummer: number;
}

/**
 * GGG NNNNNN MMM CCCCC SS: gemeente (base 36, 3), toewijzing (base 36, 6), months since 2000-01 (base 36, 3),
 * product code (1–5), sequence (base 36, 2): at most 19 characters, letters and digits only. The fixed
 * widths around the code keep it unambiguous.
 */
export function referentieNummer(p: ReferentieParts): string {
  const { year, month } = parseIsoDate(p.periode);
  const months = (year - 2000) * 12 + (month - 1);
  if (!isGemeenteCode(p.gemeente)) throw new RangeError('gemeente must be a 4-digit CBS code');
  if (!Number.isInteger(p.toewijzingNummer) || p.toewijzingNummer < 0 || p.toewijzingNummer > 999_999_999)
    throw new RangeError('ToewijzingNummer must be 0–999 999 999');
  if (months < 0 || months >= 36 ** 3) throw new RangeError('period must lie in 2000–5887');
  if (!/^[A-Za-z0-9]{1,5}$/.test(p.productCode))
    throw new RangeError('product code must be 1–5 letters or digits');
  if (!Number.isInteger(p.volgnummer) || p.volgnummer < 0 || p.volgnummer >= 36 ** 2)
    throw new RangeError('volgnummer must be 0–1295');
  return `${b36(Number(p.gemeente), 3)}${b36(p.toewijzingNummer, 6)}${b36(months, 3)}${p.productCode.toUpperCase()}${b36(p.volgnummer, 2)}`;
}

/** The sequence number at the end of a ReferentieNummer made by referentieNummer. */
export function volgnummerOf(referentie: string): number {
  return Number.parseInt(referentie.slice(-2), 36);
}

/** TR333/XSD: DeclaratieNummer is 1–12 letters or digits. */
export function isDeclaratieNummer(text: string): boolean {
  return /^[A-Za-z0-9]{1,12}$/.test(text);
}
