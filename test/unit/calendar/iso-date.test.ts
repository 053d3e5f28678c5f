import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  daysBetween,
  fromEpochDay,
  isoDate,
  isoWeekday,
  makeIsoDate,
  parseIsoDate,
  toEpochDay,
} from '../../../calendar';

describe('IsoDate', () => {
  it('accepts real calendar dates only', () => {
    expect(isoDate.safeParse('2024-02-29').success).toBe(true);
    for (const bad of [
      '2023-02-29',
      '2024-13-01',
      '2024-04-31',
      '2024-4-1',
      '20240401',
      '2024-04-01T00:00',
      7,
    ]) {
      expect(isoDate.safeParse(bad).success, String(bad)).toBe(false);
    }
    expect(() => toEpochDay('2023-02-29')).toThrow(RangeError);
    expect(() => makeIsoDate(2023, 2, 29)).toThrow(RangeError);
  });

  it('counts epoch days from 1970-01-01 and knows the weekday', () => {
    expect(toEpochDay('1970-01-01')).toBe(0);
    expect(toEpochDay('1969-12-31')).toBe(-1);
    expect(toEpochDay('2000-03-01')).toBe(11017);
    expect(isoWeekday('2026-04-27')).toBe(1);
    expect(isoWeekday('2026-04-26')).toBe(7);
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2100-02-28', 1)).toBe('2100-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
  });

  it('agrees with Date.UTC on every day 1600–2400 (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: toEpochDay('1600-01-01'), max: toEpochDay('2400-12-31') }), (day) => {
        const iso = fromEpochDay(day);
        expect(iso).toBe(new Date(day * 86_400_000).toISOString().slice(0, 10));
        expect(toEpochDay(iso)).toBe(day);
        const { year, month, day: dom } = parseIsoDate(iso);
        expect(isoWeekday(iso)).toBe(new Date(Date.UTC(year, month - 1, dom)).getUTCDay() || 7);
      }),
      { numRuns: 2000 },
    );
  });
});
