import { type AtwEquatedDaysRule, atwEquatedDaysOf } from './equated-days';
import { easterSunday, koningsdag } from './feast-dates';
import { addDays, civilToEpochDay, type IsoDate, makeIsoDate, parseIsoDate } from './iso-date';

/*
 * Holidays of the Algemene termijnenwet (art. 3): the days iWmo's "werkdag" excludes by default, since
 * the standard itself only says "Monday–Friday except recognised holidays" (domain brief §3.6, §5.3).
 * Easter and Pentecost Sundays are listed too: they are Sundays anyway, and keeping them makes the set
 * line up with other NL holiday lists.
 */

export const holidayNames = [
  'nieuwjaarsdag',
  'goede-vrijdag',
  'eerste-paasdag',
  'tweede-paasdag',
  'koningsdag',
  'bevrijdingsdag',
  'hemelvaartsdag',
  'eerste-pinksterdag',
  'tweede-pinksterdag',
  'eerste-kerstdag',
  'tweede-kerstdag',
] as const;
export type HolidayName = (typeof holidayNames)[number];

export interface Holiday {
  date: IsoDate;
  /**
   * 'sluitingsdag' = an extra closing day from a profile, not a public holiday;
   * 'gelijkgestelde-dag' = a day equated with a holiday under art. 3(3) Atw (equated-days.ts).
   */
  name: HolidayName | 'sluitingsdag' | 'gelijkgestelde-dag';
}

/**
 * Per-contract deviations from the Algemene termijnenwet list.
 * - bevrijdingsdag: 'every-year' (Atw, the default), 'lustrum' (only when year % 5 === 0, as many
 *   CAOs and contracts have it), or 'never'.
 * - omit: holidays this contract treats as working days (e.g. 'goede-vrijdag').
 * - extraClosingDays: further non-working days (e.g. a bridge day the municipality is closed).
 * - atwEquatedDays: opt-in to the days equated with holidays under art. 3(3) Atw (absent = none).
 */
export interface HolidayRules {
  bevrijdingsdag: 'every-year' | 'lustrum' | 'never';
  omit: readonly HolidayName[];
  extraClosingDays: readonly IsoDate[];
  atwEquatedDays?: AtwEquatedDaysRule | undefined;
}

/** The Algemene termijnenwet as it stands: every holiday, 5 May every year, no extra days. */
export const atwHolidayRules: HolidayRules = Object.freeze({
  bevrijdingsdag: 'every-year',
  omit: Object.freeze([]),
  extraClosingDays: Object.freeze([]),
});

function bevrijdingsdagApplies(year: number, rule: HolidayRules['bevrijdingsdag']): boolean {
  if (rule === 'every-year') return true;
  if (rule === 'lustrum') return year % 5 === 0;
  return false;
}

interface AtwHoliday extends Holiday {
  name: HolidayName;
}

/** All holidays of the Algemene termijnenwet in a year, before any override. */
function atwHolidays(year: number): AtwHoliday[] {
  const easter = easterSunday(year);
  return [
    { date: makeIsoDate(year, 1, 1), name: 'nieuwjaarsdag' },
    { date: addDays(easter, -2), name: 'goede-vrijdag' },
    { date: easter, name: 'eerste-paasdag' },
    { date: addDays(easter, 1), name: 'tweede-paasdag' },
    { date: koningsdag(year), name: 'koningsdag' },
    { date: makeIsoDate(year, 5, 5), name: 'bevrijdingsdag' },
    { date: addDays(easter, 39), name: 'hemelvaartsdag' },
    { date: addDays(easter, 49), name: 'eerste-pinksterdag' },
    { date: addDays(easter, 50), name: 'tweede-pinksterdag' },
    { date: makeIsoDate(year, 12, 25), name: 'eerste-kerstdag' },
    { date: makeIsoDate(year, 12, 26), name: 'tweede-kerstdag' },
  ];
}

/** Equated days the profile opted into, except those that are a holiday it keeps anyway. */
function equatedDays(year: number, rules: HolidayRules, kept: readonly Holiday[]): Holiday[] {
  if (!rules.atwEquatedDays) return [];
  return atwEquatedDaysOf(year, rules.atwEquatedDays)
    .filter((date) => !kept.some((h) => h.date === date))
    .map((date) => ({ date, name: 'gelijkgestelde-dag' }));
}

/**
 * The holidays, equated days and extra closing days of a year under the given rules, sorted by date.
 * Weekend days are included when a holiday falls on one; two holidays may share a date (5 May can be
 * Hemelvaartsdag).
 */
export function holidaysOf(year: number, rules: HolidayRules = atwHolidayRules): Holiday[] {
  const kept = atwHolidays(year).filter(
    (h) =>
      !rules.omit.includes(h.name) &&
      (h.name !== 'bevrijdingsdag' || bevrijdingsdagApplies(year, rules.bevrijdingsdag)),
  );
  const extra: Holiday[] = rules.extraClosingDays
    .filter((date) => parseIsoDate(date).year === year)
    .map((date) => ({ date, name: 'sluitingsdag' }));
  return [...kept, ...equatedDays(year, rules, kept), ...extra].sort((a, b) =>
    a.date < b.date ? -1 : a.date > b.date ? 1 : 0,
  );
}

/** The non-working days of a year other than weekends, as epoch days, for fast lookups. */
export function closedEpochDays(year: number, rules: HolidayRules = atwHolidayRules): Set<number> {
  return new Set(holidaysOf(year, rules).map((h) => civilToEpochDay(parseIsoDate(h.date))));
}

export function isHoliday(date: IsoDate, rules: HolidayRules = atwHolidayRules): boolean {
  return holidaysOf(parseIsoDate(date).year, rules).some((h) => h.date === date);
}
