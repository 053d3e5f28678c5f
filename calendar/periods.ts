import {
  addDays,
  daysInMonth,
  formatIsoDate,
  type IsoDate,
  isoWeekday,
  makeIsoDate,
  parseIsoDate,
  toEpochDay,
} from './iso-date';

/*
 * Billing periods. iWmo 3.2 declares per calendar month (CS340). Some older protocols (the 2019 seed)
 * use CAK 4-week periods: period n = ISO weeks 4n−3 … 4n of the ISO week-year, and week 53 joins period
 * 13, which then lasts 5 weeks. The CAK rule is a hypothesis (domain brief §5.2) that matches the
 * published 2019 table; keep it for legacy/contract use only.
 */

/** 'month' (iWmo 3.2 declarations) or 'cak4w' (legacy 4-week CAK periods); the zod schema is in schemas.ts. */
export type BillingCalendar = 'month' | 'cak4w';

export interface Period {
  calendar: BillingCalendar;
  /** Calendar year for months, ISO week-year for CAK periods (P1 2019 starts 2018-12-31). */
  year: number;
  /** 1–12 for months, 1–13 for CAK periods. */
  number: number;
  /** First day, inclusive. */
  start: IsoDate;
  /** Last day, inclusive. */
  end: IsoDate;
}

export interface IsoWeek {
  /** The ISO week-year: the calendar year of the week's Thursday. */
  year: number;
  week: number;
}

/** ISO 8601 week: weeks start on Monday, week 1 holds the year's first Thursday. */
export function isoWeekOf(date: IsoDate): IsoWeek {
  const thursday = addDays(date, 4 - isoWeekday(date));
  const { year } = parseIsoDate(thursday);
  const dayOfYear = toEpochDay(thursday) - toEpochDay(makeIsoDate(year, 1, 1));
  return { year, week: Math.floor(dayOfYear / 7) + 1 };
}

/** 52 or 53: 28 December always lies in the last ISO week of its year. */
export function isoWeeksInYear(year: number): number {
  return isoWeekOf(makeIsoDate(year, 12, 28)).week;
}

/** The Monday of an ISO week; 4 January always lies in week 1. */
export function isoWeekMonday(year: number, week: number): IsoDate {
  const jan4 = makeIsoDate(year, 1, 4);
  return addDays(jan4, 1 - isoWeekday(jan4) + 7 * (week - 1));
}

function monthPeriod(year: number, month: number): Period {
  return {
    calendar: 'month',
    year,
    number: month,
    start: formatIsoDate({ year, month, day: 1 }),
    end: formatIsoDate({ year, month, day: daysInMonth(year, month) }),
  };
}

function cakPeriod(year: number, number: number): Period {
  const lastWeek = number === 13 ? isoWeeksInYear(year) : 4 * number;
  return {
    calendar: 'cak4w',
    year,
    number,
    start: isoWeekMonday(year, 4 * number - 3),
    end: addDays(isoWeekMonday(year, lastWeek), 6),
  };
}

/** Period `number` of `year` in a calendar (months 1–12, CAK periods 1–13). */
export function periodByNumber(calendar: BillingCalendar, year: number, number: number): Period {
  const count = periodsPerYear(calendar);
  if (!Number.isInteger(number) || number < 1 || number > count) {
    throw new RangeError(`${calendar} period number must be 1–${count}: ${number}`);
  }
  return calendar === 'month' ? monthPeriod(year, number) : cakPeriod(year, number);
}

export function periodsPerYear(calendar: BillingCalendar): number {
  return calendar === 'month' ? 12 : 13;
}

/** The period a date lies in. */
export function periodOf(date: IsoDate, calendar: BillingCalendar): Period {
  if (calendar === 'month') {
    const { year, month } = parseIsoDate(date);
    return monthPeriod(year, month);
  }
  const { year, week } = isoWeekOf(date);
  return cakPeriod(year, Math.min(13, Math.ceil(week / 4)));
}

/** The period right after this one (crossing into the next year after the last). */
export function nextPeriod(period: Period): Period {
  return periodOf(addDays(period.end, 1), period.calendar);
}

/** All periods of a (week-)year, in order. */
export function periodsOfYear(year: number, calendar: BillingCalendar): Period[] {
  return Array.from({ length: periodsPerYear(calendar) }, (_, i) => periodByNumber(calendar, year, i + 1));
}

/** The periods that share at least one day with the inclusive range from…to, in order. */
export function periodsOverlapping(from: IsoDate, to: IsoDate, calendar: BillingCalendar): Period[] {
  if (to < from) throw new RangeError(`range ends before it starts: ${from}…${to}`);
  const periods = [periodOf(from, calendar)];
  for (let last = periods[0] as Period; last.end < to; ) {
    last = nextPeriod(last);
    periods.push(last);
  }
  return periods;
}

/**
 * The last day of the period containing `date` — the next period end at or after it. When `date` is
 * itself the last day of a period, that is `date`: the period ends at the end of that day.
 */
export function nextPeriodEnd(date: IsoDate, calendar: BillingCalendar): IsoDate {
  return periodOf(date, calendar).end;
}
