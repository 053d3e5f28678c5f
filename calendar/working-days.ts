import { atwHolidayRules, closedEpochDays, type HolidayRules } from './holidays';
import { epochDayToCivil, fromEpochDay, type IsoDate, toEpochDay, weekdayOfEpochDay } from './iso-date';

/*
 * Working days ("werkdagen") and the counting convention for every deadline in iwmo-flow:
 *
 *   - A working day is Monday–Friday and not a holiday under the profile's HolidayRules
 *     (default: the Algemene termijnenwet, see holidays.ts).
 *   - The day of the event (the day a message is received, care started, a period ended) does not
 *     count, whether or not it is a working day.
 *   - "Within n working days" means: the deadline falls at the END of the n-th working day after the
 *     event day, Europe/Amsterdam time (use endOfAmsterdamDay(due) for the timer instant).
 *   - n = 0 means the end of the event day itself.
 *
 * Example: a 301 received on Friday 2026-04-24 with 3 working days: Mon 27 April is Koningsdag, so the
 * days counted are Tue 28, Wed 29, Thu 30 April and the 302 is due at the end of 2026-04-30.
 */

/** Answers "is this epoch day closed?" for one rule set, computing each year's holidays once. */
function closedDayLookup(rules: HolidayRules): (epochDay: number) => boolean {
  const byYear = new Map<number, Set<number>>();
  return (epochDay) => {
    if (weekdayOfEpochDay(epochDay) >= 6) return true;
    const { year } = epochDayToCivil(epochDay);
    let closed = byYear.get(year);
    if (!closed) {
      closed = closedEpochDays(year, rules);
      byYear.set(year, closed);
    }
    return closed.has(epochDay);
  };
}

export function isWorkingDay(date: IsoDate, rules: HolidayRules = atwHolidayRules): boolean {
  return !closedDayLookup(rules)(toEpochDay(date));
}

/**
 * The due date of "n working days after date": the n-th working day strictly after `date`
 * (the day of receipt does not count). n = 0 returns `date` itself. n must be a whole number ≥ 0.
 */
export function addWorkingDays(date: IsoDate, n: number, rules: HolidayRules = atwHolidayRules): IsoDate {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number ≥ 0: ${n}`);
  const isClosed = closedDayLookup(rules);
  let day = toEpochDay(date);
  for (let counted = 0; counted < n; ) {
    day += 1;
    if (!isClosed(day)) counted += 1;
  }
  return fromEpochDay(day);
}

/**
 * The number of working days in the half-open range (from, to]: `from` does not count, `to` does.
 * So workingDaysBetween(d, addWorkingDays(d, n)) === n. Negative when `to` is before `from`.
 */
export function workingDaysBetween(
  from: IsoDate,
  to: IsoDate,
  rules: HolidayRules = atwHolidayRules,
): number {
  const start = toEpochDay(from);
  const end = toEpochDay(to);
  // 0 - x, not -x: a reversed empty range must give 0, never -0.
  if (end < start) return 0 - workingDaysBetween(to, from, rules);
  const isClosed = closedDayLookup(rules);
  let count = 0;
  for (let day = start + 1; day <= end; day += 1) if (!isClosed(day)) count += 1;
  return count;
}

/** The first working day on or after `date` (the date itself when it is a working day). */
export function workingDayOnOrAfter(date: IsoDate, rules: HolidayRules = atwHolidayRules): IsoDate {
  return isWorkingDay(date, rules) ? date : addWorkingDays(date, 1, rules);
}
