import { z } from 'zod';

/** LDT_Datum: xs:date without time zone, and a real calendar date (no 31 June). */
export function isValidDate(value: string): boolean {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** zod for LDT_Datum: a calendar date, YYYY-MM-DD, no time zone. */
export const isoDate = z.string().refine(isValidDate, 'datum JJJJ-MM-DD zonder tijdzone');

/** zod for LDT_Tijd: xs:time without time zone (hh:mm:ss, optional fraction). */
export const isoTime = z
  .string()
  .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?$/, 'tijd uu:mm:ss zonder tijdzone');
