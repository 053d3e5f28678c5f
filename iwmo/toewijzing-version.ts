import { daysInMonth, isValidDate, isValidTime } from './lexical';

/*
 * Which version of a toewijzing is current, and whether it was deleted — on plain data, for the
 * assignment workflow. IV013: the version with the latest Toewijzingsdatum + Toewijzingstijd is the
 * current toewijzing; arrival order means nothing (OP080). CS335: RedenWijziging 13 (Verwijderd) comes
 * with Einddatum = Ingangsdatum, and such a toewijzing is treated as never sent.
 *
 * Imported by workflows on its own (no zod, no parser, no Node built-ins): keep this file's only
 * import the dependency-free lexical.ts.
 */

/** A toewijzing version's moment, as the workflow contract carries it. */
export interface ToewijzingMoment {
  toewijzingsdatum: string;
  toewijzingstijd: string;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** The day after a valid YYYY-MM-DD. */
function nextDay(datum: string): string {
  let [y, m, d] = datum.split('-').map(Number) as [number, number, number];
  d += 1;
  if (d > daysInMonth(y, m)) {
    d = 1;
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

/**
 * One string per version moment that sorts lexicographically as the moments sort:
 * `YYYY-MM-DDThh:mm:ss` plus the fraction of a second without trailing zeros. Equal instants give
 * equal keys: `12:00:00.500` is `12:00:00.5`, and 24:00:00 (valid xs:time: the end of the day) is
 * 00:00:00 of the next day, as xs:dateTime reads it. Throws on a value that is no LDT_Datum or LDT_Tijd
 * (decode has refused such a 301 already; this guards hand-made data).
 */
export function toewijzingVersionKey(datum: string, tijd: string): string {
  if (!isValidDate(datum))
    throw new Error('Toewijzingsdatum is geen geldige datum (LDT_Datum: JJJJ-MM-DD, zonder tijdzone)');
  if (!isValidTime(tijd))
    throw new Error('Toewijzingstijd is geen geldige tijd (LDT_Tijd: uu:mm:ss[.fractie], zonder tijdzone)');
  const fraction = tijd.slice(9).replace(/0+$/, '');
  if (tijd.startsWith('24')) return `${nextDay(datum)}T00:00:00`;
  return `${datum}T${tijd.slice(0, 8)}${fraction ? `.${fraction}` : ''}`;
}

/** Negative when a is older than b, positive when newer, 0 for the same moment (for Array.sort). */
export function compareToewijzingVersions(a: ToewijzingMoment, b: ToewijzingMoment): number {
  const ka = toewijzingVersionKey(a.toewijzingsdatum, a.toewijzingstijd);
  const kb = toewijzingVersionKey(b.toewijzingsdatum, b.toewijzingstijd);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** RedenWijziging 13: Verwijderd (WMO002). */
export const redenWijzigingVerwijderd = '13';

/**
 * A deleted toewijzing: RedenWijziging 13 with Einddatum = Ingangsdatum (CS335). It is not current (OP087),
 * overlaps nothing (TR302) and may not be declared on (TR384). The retired 01 (Administratieve correctie,
 * gone since 3.1, CS336) is not a deletion in iWmo 3.2.
 */
export function isDeletedToewijzing(t: {
  redenWijziging?: string | undefined;
  ingangsdatum: string;
  einddatum?: string | undefined;
}): boolean {
  return t.redenWijziging === redenWijzigingVerwijderd && t.einddatum === t.ingangsdatum;
}
