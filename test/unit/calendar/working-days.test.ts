import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addWorkingDays,
  atwHolidayRules,
  type HolidayRules,
  holidaysOf,
  isoWeekday,
  isWorkingDay,
  parseIsoDate,
  workingDayOnOrAfter,
  workingDaysBetween,
} from '../../../calendar';
import { anyDate, anyHolidayRules } from './arbitraries';

const lustrum: HolidayRules = { ...atwHolidayRules, bevrijdingsdag: 'lustrum' };

describe('addWorkingDays (worked examples)', () => {
  it('does not count the day of receipt and skips Koningsdag', () => {
    // Fri 24 Apr 2026 + 3: Mon 27 is Koningsdag → Tue 28, Wed 29, Thu 30.
    expect(addWorkingDays('2026-04-24', 3)).toBe('2026-04-30');
    // Received on Saturday: the same three days.
    expect(addWorkingDays('2026-04-25', 3)).toBe('2026-04-30');
    expect(addWorkingDays('2026-04-24', 0)).toBe('2026-04-24');
  });

  it('skips Goede Vrijdag and Easter Monday', () => {
    expect(addWorkingDays('2026-04-02', 1)).toBe('2026-04-07');
    expect(addWorkingDays('2026-04-02', 3)).toBe('2026-04-09');
    // Wed 16 Apr 2025: Thu 17 (1), GV 18, weekend, Easter Monday 21, Tue 22 (2), Wed 23 (3).
    expect(addWorkingDays('2025-04-16', 3)).toBe('2025-04-23');
  });

  it('skips Christmas and New Year', () => {
    // Mon 23 Dec 2024: Tue 24 (1), 25+26 holidays, Fri 27 (2), Mon 30 (3), Tue 31 (4), 1 Jan, Thu 2 (5).
    expect(addWorkingDays('2024-12-23', 3)).toBe('2024-12-30');
    expect(addWorkingDays('2024-12-23', 5)).toBe('2025-01-02');
    expect(addWorkingDays('2025-12-24', 1)).toBe('2025-12-29');
    // Fri 19 Dec 2025 + 10: 22, 23, 24, 29, 30, 31, (1 Jan), 2, 5, 6, 7.
    expect(addWorkingDays('2025-12-19', 10)).toBe('2026-01-07');
  });

  it('honours the lustrum override for 5 May', () => {
    // Mon 4 May 2026: 5 May is a holiday by default, not under the lustrum rule (2026 % 5 ≠ 0).
    expect(addWorkingDays('2026-05-04', 3)).toBe('2026-05-08');
    expect(addWorkingDays('2026-05-04', 3, lustrum)).toBe('2026-05-07');
    expect(addWorkingDays('2025-05-02', 1, lustrum)).toBe('2025-05-06');
  });

  it('rejects negative or fractional counts', () => {
    expect(() => addWorkingDays('2026-04-24', -1)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-04-24', 1.5)).toThrow(RangeError);
  });
});

describe('workingDaysBetween', () => {
  it('counts (from, to]: from excluded, to included', () => {
    expect(workingDaysBetween('2026-04-24', '2026-04-30')).toBe(3);
    expect(workingDaysBetween('2024-12-23', '2025-01-02')).toBe(5);
    expect(workingDaysBetween('2026-04-30', '2026-04-24')).toBe(-3);
    expect(workingDaysBetween('2026-04-27', '2026-04-27')).toBe(0);
    expect(workingDaysBetween('2026-04-24', '2026-04-27')).toBe(0);
  });

  it('finds the first working day on or after a date', () => {
    expect(workingDayOnOrAfter('2026-04-28')).toBe('2026-04-28');
    expect(workingDayOnOrAfter('2026-04-25')).toBe('2026-04-28');
  });
});

/** A deliberately naive model: walk day by day, skipping weekends and the listed holidays. */
function naiveAddWorkingDays(date: string, n: number, rules: HolidayRules): string {
  let day = date;
  for (let counted = 0; counted < n; ) {
    day = addDays(day, 1);
    const holidays = holidaysOf(parseIsoDate(day).year, rules).map((h) => h.date);
    if (isoWeekday(day) <= 5 && !holidays.includes(day)) counted += 1;
  }
  return day;
}

describe('working days (properties)', () => {
  const n = fc.integer({ min: 1, max: 300 });

  it('lands on a working day, strictly later for each extra day', () => {
    fc.assert(
      fc.property(anyDate, n, anyHolidayRules, (d, k, rules) => {
        const due = addWorkingDays(d, k, rules);
        expect(isWorkingDay(due, rules)).toBe(true);
        expect(due > d).toBe(true);
        expect(addWorkingDays(d, k + 1, rules) > due).toBe(true);
      }),
    );
  });

  it('is inverted by workingDaysBetween', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 0, max: 300 }), anyHolidayRules, (d, k, rules) => {
        expect(workingDaysBetween(d, addWorkingDays(d, k, rules), rules)).toBe(k);
      }),
    );
  });

  it('skips exactly the non-working days in between', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 1, max: 60 }), anyHolidayRules, (d, k, rules) => {
        const due = addWorkingDays(d, k, rules);
        expect(due).toBe(naiveAddWorkingDays(d, k, rules));
        const between: string[] = [];
        for (let day = addDays(d, 1); day < due; day = addDays(day, 1)) between.push(day);
        expect(between.filter((day) => isWorkingDay(day, rules))).toHaveLength(k - 1);
      }),
    );
  });

  it('adds up over consecutive ranges and flips sign when reversed', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 400 }), (a, x, y) => {
        const b = addDays(a, x);
        const c = addDays(b, y);
        expect(workingDaysBetween(a, b) + workingDaysBetween(b, c)).toBe(workingDaysBetween(a, c));
        expect(workingDaysBetween(c, a)).toBe(0 - workingDaysBetween(a, c));
      }),
    );
  });
});

describe('working days (edge cases found by the properties)', () => {
  it('gives 0, not -0, for an empty range in either direction', () => {
    expect(Object.is(workingDaysBetween('2026-11-28', '2026-11-29'), 0)).toBe(true);
    expect(Object.is(workingDaysBetween('2026-11-29', '2026-11-28'), 0)).toBe(true);
    expect(Object.is(workingDaysBetween('1990-01-01', '1990-01-01'), 0)).toBe(true);
  });
});
