import type { Finding } from '../problems';
import { rules } from './catalogue';

/** A finding for a catalogued rule at a path: the standard's text, its retour code and a fix hint. */
export function broken(id: string, path: string): Finding {
  const rule = rules[id];
  if (!rule) throw new Error(`rule ${id} is not in iwmo/rules/catalogue.ts`); // a programming error
  return { rule: id, retourCode: rule.retourCode, path, message: rule.text, hint: rule.hint };
}

/** Collects findings; `check(ok, id, path)` records one when a condition does not hold. */
export class Findings {
  readonly list: Finding[] = [];
  check(holds: boolean, id: string, path: string): void {
    if (!holds) this.list.push(broken(id, path));
  }
}

/** Last day of the month of a YYYY-MM-DD date, as YYYY-MM-DD (dates compare as text). */
export function lastDayOfMonth(date: string): string {
  const [y, m] = [Number(date.slice(0, 4)), Number(date.slice(5, 7))];
  const day = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${date.slice(0, 7)}-${String(day).padStart(2, '0')}`;
}

/** Einddatum after 31-12-2020 or empty: when the 3.0 rules on Omvang and Frequentie apply. */
export const after2020 = (einddatum: string | undefined) =>
  einddatum === undefined || einddatum > '2020-12-31';

/**
 * The date `years` years before a YYYY-MM-DD date, as YYYY-MM-DD; 29 February becomes the 28th (the
 * lenient reading: a date exactly that many years back is never "more than" that). Years before 0 give
 * a value below every date.
 */
export function yearsBefore(date: string, years: number): string {
  const year = Number(date.slice(0, 4)) - years;
  if (year < 0) return '0000-00-00';
  const monthDay = date.slice(4) === '-02-29' ? '-02-28' : date.slice(4);
  return `${String(year).padStart(4, '0')}${monthDay}`;
}
