import {
  addDays,
  civilToEpochDay,
  epochDayToCivil,
  fromEpochDay,
  type IsoDate,
  toEpochDay,
  weekdayOfEpochDay,
} from './iso-date';

/*
 * The edge between instants (workflow clock, timers) and calendar dates. Europe/Amsterdam is UTC+1
 * (CET) and UTC+2 (CEST) from the last Sunday of March 01:00 UTC until the last Sunday of October
 * 01:00 UTC — the EU rule since 1996. Written out by hand so workflows need no Intl or tz database;
 * dates before 1996 get the same rule (not historically exact, irrelevant for iWmo).
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Epoch day of the last Sunday of a month. */
function lastSundayOf(year: number, month: number): number {
  const next = month === 12 ? { year: year + 1, month: 1, day: 1 } : { year, month: month + 1, day: 1 };
  const lastDay = civilToEpochDay(next) - 1;
  return lastDay - (weekdayOfEpochDay(lastDay) % 7);
}

function toMs(instant: Date | number): number {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('not a valid instant');
  return ms;
}

/** Is summer time (CEST) in force at this instant? */
export function isAmsterdamSummerTime(instant: Date | number): boolean {
  const ms = toMs(instant);
  const { year } = epochDayToCivil(Math.floor(ms / DAY_MS));
  const begins = lastSundayOf(year, 3) * DAY_MS + HOUR_MS;
  const ends = lastSundayOf(year, 10) * DAY_MS + HOUR_MS;
  return ms >= begins && ms < ends;
}

/** Offset of Europe/Amsterdam from UTC at this instant, in minutes (60 or 120). */
export function amsterdamUtcOffsetMinutes(instant: Date | number): number {
  return isAmsterdamSummerTime(instant) ? 120 : 60;
}

/** The calendar date in Europe/Amsterdam at a given instant (Date or epoch milliseconds). */
export function amsterdamDateOf(instant: Date | number): IsoDate {
  const ms = toMs(instant);
  const local = ms + amsterdamUtcOffsetMinutes(ms) * 60_000;
  return fromEpochDay(Math.floor(local / DAY_MS));
}

/**
 * The instant 00:00 Europe/Amsterdam on `date`. Clocks change at 02:00/03:00 local time, never around
 * midnight, so the offset at midnight is that of the whole civil day: CEST exactly for the days after
 * the last Sunday of March up to and including the last Sunday of October.
 */
export function startOfAmsterdamDay(date: IsoDate): Date {
  const day = toEpochDay(date);
  const { year } = epochDayToCivil(day);
  const summer = day > lastSundayOf(year, 3) && day <= lastSundayOf(year, 10);
  return new Date(day * DAY_MS - (summer ? 2 : 1) * HOUR_MS);
}

/**
 * The instant a day is over in Europe/Amsterdam: 00:00 local time of the next day (exclusive end).
 * A deadline "due on d" is missed when the workflow clock reaches this instant.
 */
export function endOfAmsterdamDay(date: IsoDate): Date {
  return startOfAmsterdamDay(addDays(date, 1));
}
