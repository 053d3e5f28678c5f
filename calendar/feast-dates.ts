import { addDays, type IsoDate, isoWeekday, makeIsoDate } from './iso-date';

/*
 * The two holiday dates that need a rule rather than a fixed day: Easter (which Goede Vrijdag,
 * Hemelvaart and Pinksteren follow) and Koningsdag. Both the holiday list (holidays.ts) and the
 * pattern of equated days (equated-days.ts) are built on them.
 */

/** Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
export function easterSunday(year: number): IsoDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return makeIsoDate(year, month, day);
}

/**
 * The day the monarch's birthday is celebrated. Koningsdag (since 2014): 27 April, or Saturday 26 April
 * when the 27th is a Sunday. Before 2014 Koninginnedag: 30 April, or Saturday 29 April when the 30th is a
 * Sunday (the rule since 1980; earlier years get the same rule, which is good enough for deadlines).
 */
export function koningsdag(year: number): IsoDate {
  const day = year >= 2014 ? 27 : 30;
  const date = makeIsoDate(year, 4, day);
  return isoWeekday(date) === 7 ? addDays(date, -1) : date;
}
