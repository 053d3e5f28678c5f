/*
 * Calendar dates, not instants. A deadline or a billing period is a day in the Netherlands, so dates
 * travel as 'YYYY-MM-DD' strings (JSON-safe, readable in Temporal history) and arithmetic runs on
 * "epoch days" (days since 1970-01-01, i.e. UTC midnights). No Date object and no clock is involved,
 * which keeps this module deterministic and importable from workflows.
 */

/** A calendar date as 'YYYY-MM-DD' (years 0000–9999, proleptic Gregorian). */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface CivilDate {
  year: number;
  /** 1–12 */
  month: number;
  /** 1–31 */
  day: number;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Splits a date into its parts, or returns undefined when it is not a real 'YYYY-MM-DD' date. */
export function tryParseIsoDate(text: string): CivilDate | undefined {
  const match = ISO_DATE.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

export function parseIsoDate(date: IsoDate): CivilDate {
  const civil = tryParseIsoDate(date);
  if (!civil) throw new RangeError(`not a calendar date (YYYY-MM-DD): '${date}'`);
  return civil;
}

export function formatIsoDate({ year, month, day }: CivilDate): IsoDate {
  if (!Number.isInteger(year) || year < 0 || year > 9999) throw new RangeError(`year out of range: ${year}`);
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

export function makeIsoDate(year: number, month: number, day: number): IsoDate {
  return parseAndCheck(formatIsoDate({ year, month, day }));
}

function parseAndCheck(date: IsoDate): IsoDate {
  parseIsoDate(date);
  return date;
}

/*
 * Epoch-day conversion after Howard Hinnant's days_from_civil / civil_from_days: plain integer
 * arithmetic over 400-year eras, shifted so that the year starts in March (the leap day is last).
 */

export function civilToEpochDay({ year, month, day }: CivilDate): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = (month + 9) % 12;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

export function epochDayToCivil(epochDay: number): CivilDate {
  const z0 = epochDay + 719468;
  const era = Math.floor(z0 / 146097);
  const dayOfEra = z0 - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Days since 1970-01-01 (negative before). Throws RangeError on a malformed date. */
export function toEpochDay(date: IsoDate): number {
  return civilToEpochDay(parseIsoDate(date));
}

export function fromEpochDay(epochDay: number): IsoDate {
  if (!Number.isSafeInteger(epochDay)) throw new RangeError(`not a whole epoch day: ${epochDay}`);
  return formatIsoDate(epochDayToCivil(epochDay));
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromEpochDay(toEpochDay(date) + days);
}

/** b − a in calendar days. */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return toEpochDay(b) - toEpochDay(a);
}

/** ISO weekday: 1 = Monday … 7 = Sunday. 1970-01-01 was a Thursday. */
export function isoWeekday(date: IsoDate): number {
  return weekdayOfEpochDay(toEpochDay(date));
}

export function weekdayOfEpochDay(epochDay: number): number {
  return ((((epochDay + 3) % 7) + 7) % 7) + 1;
}

/** Negative when a is before b; 'YYYY-MM-DD' strings sort like the dates they name. */
export function compareIsoDates(a: IsoDate, b: IsoDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function minIsoDate(a: IsoDate, b: IsoDate): IsoDate {
  return a <= b ? a : b;
}

export function maxIsoDate(a: IsoDate, b: IsoDate): IsoDate {
  return a >= b ? a : b;
}
