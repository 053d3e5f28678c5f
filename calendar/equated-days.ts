import { easterSunday, koningsdag } from './feast-dates';
import { addDays, type IsoDate, isoWeekday, makeIsoDate, parseIsoDate } from './iso-date';

/*
 * Days equated with holidays under art. 3(3) of the Algemene termijnenwet. A royal decree, made for
 * three years at a time, names them; the decrees follow a fixed pattern, which is what we compute, so a
 * year without a decree yet still gets its days. It equates the lone working days that would sit
 * between a holiday and a weekend:
 *   - the Friday after Hemelvaartsdag, always;
 *   - the Monday before Nieuwjaarsdag, Koningsdag, 5 May and Eerste Kerstdag when that falls on a
 *     Tuesday (for Nieuwjaarsdag: 31 December of the year before);
 *   - the Friday after Nieuwjaarsdag, Koningsdag, 5 May and Tweede Kerstdag when that falls on a Thursday;
 *   - Wednesday 6 May when Hemelvaartsdag is 7 May (5 May is then a Tuesday: the whole week is closed).
 * Where a decree differs from the pattern, a profile adds or removes single days (AtwEquatedDaysRule).
 */

/** A profile's opt-in to the equated days, with the corrections its decree needs. */
export interface AtwEquatedDaysRule {
  /** Days a decree equates beyond the pattern (Monday–Friday). */
  add: readonly IsoDate[];
  /** Pattern days a decree does not equate. */
  remove: readonly IsoDate[];
}

const TUESDAY = 2;
const THURSDAY = 4;

function mondayBeforeTuesday(holiday: IsoDate): IsoDate[] {
  return isoWeekday(holiday) === TUESDAY ? [addDays(holiday, -1)] : [];
}

function fridayAfterThursday(holiday: IsoDate): IsoDate[] {
  return isoWeekday(holiday) === THURSDAY ? [addDays(holiday, 1)] : [];
}

/** The days the pattern equates that fall in `year`, sorted, without duplicates. */
export function atwPatternDays(year: number): IsoDate[] {
  const hemelvaart = addDays(easterSunday(year), 39);
  const days = [
    ...fridayAfterThursday(makeIsoDate(year, 1, 1)),
    ...mondayBeforeTuesday(koningsdag(year)),
    ...fridayAfterThursday(koningsdag(year)),
    ...mondayBeforeTuesday(makeIsoDate(year, 5, 5)),
    ...fridayAfterThursday(makeIsoDate(year, 5, 5)),
    addDays(hemelvaart, 1),
    ...(hemelvaart === makeIsoDate(year, 5, 7) ? [makeIsoDate(year, 5, 6)] : []),
    ...mondayBeforeTuesday(makeIsoDate(year, 12, 25)),
    ...fridayAfterThursday(makeIsoDate(year, 12, 26)),
    // Next year's Nieuwjaarsdag on a Tuesday equates this year's 31 December.
    ...mondayBeforeTuesday(makeIsoDate(year + 1, 1, 1)),
  ];
  return [...new Set(days)].sort();
}

/** The equated days of `year` under a profile's rule: the pattern, less `remove`, plus `add`. */
export function atwEquatedDaysOf(year: number, rule: AtwEquatedDaysRule): IsoDate[] {
  const kept = atwPatternDays(year).filter((date) => !rule.remove.includes(date));
  const added = rule.add.filter((date) => parseIsoDate(date).year === year);
  return [...new Set([...kept, ...added])].sort();
}
