/*
 * The lexical forms of LDT_Datum (xs:date) and LDT_Tijd (xs:time), both without time zone (RS032,
 * RS034), as plain predicates. No imports at all: toewijzing-version.ts builds on them and is imported
 * by workflows, datatypes.ts wraps them in zod.
 */

/** LDT_Datum: YYYY-MM-DD and a real calendar date (no 31 June). */
export function isValidDate(value: string): boolean {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

/**
 * LDT_Tijd: hh:mm:ss with an optional fraction. xs:time also allows 24:00:00 (with a zero fraction at
 * most): midnight at the end of the day. No leap second (xmllint refuses 23:59:60 too).
 */
export const timePattern = /^(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?|24:00:00(?:\.0+)?)$/;

export function isValidTime(value: string): boolean {
  return timePattern.test(value);
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
