import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  type BillingCalendar,
  daysBetween,
  isoWeekMonday,
  isoWeekOf,
  isoWeeksInYear,
  makeIsoDate,
  nextPeriodEnd,
  periodByNumber,
  periodOf,
  periodsOfYear,
  periodsOverlapping,
} from '../../../calendar';
import { anyDate, anyYear } from './arbitraries';

const calendars: BillingCalendar[] = ['month', 'cak4w'];
const anyCalendar = fc.constantFrom(...calendars);

describe('CAK 4-week periods', () => {
  it('match the 2019 table of the seed protocol (brief §5.2)', () => {
    expect(periodsOfYear(2019, 'cak4w').map((p) => [p.number, p.start, p.end])).toEqual([
      [1, '2018-12-31', '2019-01-27'],
      [2, '2019-01-28', '2019-02-24'],
      [3, '2019-02-25', '2019-03-24'],
      [4, '2019-03-25', '2019-04-21'],
      [5, '2019-04-22', '2019-05-19'],
      [6, '2019-05-20', '2019-06-16'],
      [7, '2019-06-17', '2019-07-14'],
      [8, '2019-07-15', '2019-08-11'],
      [9, '2019-08-12', '2019-09-08'],
      [10, '2019-09-09', '2019-10-06'],
      [11, '2019-10-07', '2019-11-03'],
      [12, '2019-11-04', '2019-12-01'],
      [13, '2019-12-02', '2019-12-29'],
    ]);
  });

  it('put week 53 into period 13 (2020, 2026)', () => {
    expect(periodByNumber('cak4w', 2020, 1)).toMatchObject({ start: '2019-12-30', end: '2020-01-26' });
    expect(periodByNumber('cak4w', 2020, 13)).toMatchObject({ start: '2020-11-30', end: '2021-01-03' });
    expect(periodByNumber('cak4w', 2026, 13)).toMatchObject({ start: '2026-11-30', end: '2027-01-03' });
    expect(periodOf('2021-01-03', 'cak4w')).toMatchObject({ year: 2020, number: 13 });
    expect(periodOf('2021-01-04', 'cak4w')).toMatchObject({ year: 2021, number: 1 });
    expect(periodOf('2018-12-31', 'cak4w')).toMatchObject({ year: 2019, number: 1 });
  });

  it('know ISO weeks', () => {
    expect(isoWeekOf('2021-01-03')).toEqual({ year: 2020, week: 53 });
    expect(isoWeekOf('2018-12-31')).toEqual({ year: 2019, week: 1 });
    expect([2019, 2020, 2026, 2032].map(isoWeeksInYear)).toEqual([52, 53, 53, 53]);
    expect(isoWeekMonday(2026, 1)).toBe('2025-12-29');
  });

  it('are 28 days, except P13 of a 53-week year (35) (property)', () => {
    fc.assert(
      fc.property(anyYear, (year) => {
        for (const p of periodsOfYear(year, 'cak4w')) {
          const long = p.number === 13 && isoWeeksInYear(year) === 53;
          expect(daysBetween(p.start, p.end) + 1).toBe(long ? 35 : 28);
        }
      }),
    );
  });
});

describe('calendar-month periods', () => {
  it('are whole months', () => {
    expect(periodOf('2024-02-15', 'month')).toEqual({
      calendar: 'month',
      year: 2024,
      number: 2,
      start: '2024-02-01',
      end: '2024-02-29',
    });
    // IV089: toewijzing 08-04-2025..17-06-2025 touches April, May and June.
    expect(periodsOverlapping('2025-04-08', '2025-06-17', 'month').map((p) => p.number)).toEqual([4, 5, 6]);
  });
});

describe('periods (properties, both calendars)', () => {
  it('put every date in exactly one period', () => {
    fc.assert(
      fc.property(anyDate, anyCalendar, (d, calendar) => {
        const p = periodOf(d, calendar);
        expect(p.start <= d && d <= p.end).toBe(true);
        const nearby = [p.year - 1, p.year, p.year + 1].flatMap((y) => periodsOfYear(y, calendar));
        expect(nearby.filter((q) => q.start <= d && d <= q.end)).toEqual([p]);
      }),
    );
  });

  it('tile each year without gap or overlap, and join the next year', () => {
    fc.assert(
      fc.property(anyYear, anyCalendar, (year, calendar) => {
        const periods = periodsOfYear(year, calendar);
        const first = periods[0];
        const last = periods.at(-1);
        expect(first?.start).toBe(calendar === 'month' ? makeIsoDate(year, 1, 1) : isoWeekMonday(year, 1));
        expect(periods.map((p) => p.number)).toEqual(periods.map((_, i) => i + 1));
        for (let i = 1; i < periods.length; i += 1) {
          expect(periods[i]?.start).toBe(addDays(periods[i - 1]?.end ?? '', 1));
        }
        expect(periodsOfYear(year + 1, calendar)[0]?.start).toBe(addDays(last?.end ?? '', 1));
      }),
    );
  });

  it('list the overlapping periods of a range contiguously', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 0, max: 800 }), anyCalendar, (from, length, calendar) => {
        const to = addDays(from, length);
        const periods = periodsOverlapping(from, to, calendar);
        expect(periods[0]).toEqual(periodOf(from, calendar));
        expect(periods.at(-1)).toEqual(periodOf(to, calendar));
        for (let i = 1; i < periods.length; i += 1) {
          expect(periods[i]?.start).toBe(addDays(periods[i - 1]?.end ?? '', 1));
        }
      }),
    );
  });

  it('give the next period end at or after a date', () => {
    expect(nextPeriodEnd('2019-12-29', 'cak4w')).toBe('2019-12-29');
    expect(nextPeriodEnd('2019-12-30', 'cak4w')).toBe('2020-01-26');
    expect(nextPeriodEnd('2026-02-03', 'month')).toBe('2026-02-28');
    fc.assert(
      fc.property(anyDate, anyCalendar, (d, calendar) => {
        const end = nextPeriodEnd(d, calendar);
        expect(end >= d).toBe(true);
        expect(periodOf(addDays(end, 1), calendar).start).toBe(addDays(end, 1));
      }),
    );
  });

  it('reject bad numbers and reversed ranges', () => {
    expect(() => periodByNumber('month', 2026, 13)).toThrow(RangeError);
    expect(() => periodByNumber('cak4w', 2026, 0)).toThrow(RangeError);
    expect(() => periodsOverlapping('2026-02-01', '2026-01-01', 'month')).toThrow(RangeError);
  });
});
