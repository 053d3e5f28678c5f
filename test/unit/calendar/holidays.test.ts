import { describe, expect, it } from 'vitest';
import {
  atwHolidayRules,
  easterSunday,
  type HolidayRules,
  holidaysOf,
  isHoliday,
  isoWeekday,
  isWorkingDay,
  koningsdag,
} from '../../../calendar';

/** The holidays of a year that take away a working day (Mon–Fri), as the brief (§5.3) lists them. */
function weekdayHolidays(year: number, rules: HolidayRules = atwHolidayRules): string[] {
  return [...new Set(holidaysOf(year, rules).map((h) => h.date))].filter((d) => isoWeekday(d) <= 5);
}

const rules = (partial: Partial<HolidayRules>): HolidayRules => ({ ...atwHolidayRules, ...partial });

describe('Algemene termijnenwet holidays', () => {
  it('removes exactly these working days in 2024–2027', () => {
    expect(weekdayHolidays(2024)).toEqual([
      '2024-01-01',
      '2024-03-29',
      '2024-04-01',
      '2024-05-09',
      '2024-05-20',
      '2024-12-25',
      '2024-12-26',
    ]);
    expect(weekdayHolidays(2025)).toEqual([
      '2025-01-01',
      '2025-04-18',
      '2025-04-21',
      '2025-05-05',
      '2025-05-29',
      '2025-06-09',
      '2025-12-25',
      '2025-12-26',
    ]);
    expect(weekdayHolidays(2026)).toEqual([
      '2026-01-01',
      '2026-04-03',
      '2026-04-06',
      '2026-04-27',
      '2026-05-05',
      '2026-05-14',
      '2026-05-25',
      '2026-12-25',
    ]);
    expect(weekdayHolidays(2027)).toEqual([
      '2027-01-01',
      '2027-03-26',
      '2027-03-29',
      '2027-04-27',
      '2027-05-05',
      '2027-05-06',
      '2027-05-17',
    ]);
  });

  it('names every holiday of 2026, weekend ones included', () => {
    expect(holidaysOf(2026)).toEqual([
      { date: '2026-01-01', name: 'nieuwjaarsdag' },
      { date: '2026-04-03', name: 'goede-vrijdag' },
      { date: '2026-04-05', name: 'eerste-paasdag' },
      { date: '2026-04-06', name: 'tweede-paasdag' },
      { date: '2026-04-27', name: 'koningsdag' },
      { date: '2026-05-05', name: 'bevrijdingsdag' },
      { date: '2026-05-14', name: 'hemelvaartsdag' },
      { date: '2026-05-24', name: 'eerste-pinksterdag' },
      { date: '2026-05-25', name: 'tweede-pinksterdag' },
      { date: '2026-12-25', name: 'eerste-kerstdag' },
      { date: '2026-12-26', name: 'tweede-kerstdag' },
    ]);
  });

  it('computes Easter by the anonymous Gregorian algorithm', () => {
    const known: Record<number, string> = {
      1818: '1818-03-22', // earliest possible
      2008: '2008-03-23',
      2019: '2019-04-21',
      2024: '2024-03-31',
      2025: '2025-04-20',
      2038: '2038-04-25', // latest possible
      2285: '2285-03-22',
    };
    for (const [year, date] of Object.entries(known)) expect(easterSunday(Number(year)), year).toBe(date);
  });

  it('moves Koningsdag to Saturday 26 April when 27 April is a Sunday', () => {
    expect(koningsdag(2025)).toBe('2025-04-26');
    expect(koningsdag(2031)).toBe('2031-04-26');
    expect(koningsdag(2014)).toBe('2014-04-26');
    expect(koningsdag(2026)).toBe('2026-04-27');
    expect(isWorkingDay('2025-04-28')).toBe(true); // no Monday substitute
  });

  it('used Koninginnedag (30 April, 29 April when Sunday) before 2014', () => {
    expect(koningsdag(2013)).toBe('2013-04-30');
    expect(koningsdag(2006)).toBe('2006-04-29');
  });

  it('keeps 5 May every year by default, only in lustrum years or never by override', () => {
    expect(isHoliday('2026-05-05')).toBe(true);
    const lustrum = rules({ bevrijdingsdag: 'lustrum' });
    expect(isHoliday('2025-05-05', lustrum)).toBe(true);
    expect(isHoliday('2026-05-05', lustrum)).toBe(false);
    expect(isHoliday('2030-05-05', lustrum)).toBe(true);
    expect(isHoliday('2100-05-05', lustrum)).toBe(true);
    expect(isWorkingDay('2026-05-05', lustrum)).toBe(true);
    expect(isHoliday('2025-05-05', rules({ bevrijdingsdag: 'never' }))).toBe(false);
  });

  it('omits holidays and adds closing days per profile', () => {
    expect(isWorkingDay('2026-04-03')).toBe(false);
    expect(isWorkingDay('2026-04-03', rules({ omit: ['goede-vrijdag'] }))).toBe(true);
    const bridge = rules({ extraClosingDays: ['2026-05-15'] });
    expect(isWorkingDay('2026-05-15')).toBe(true);
    expect(isWorkingDay('2026-05-15', bridge)).toBe(false);
    expect(holidaysOf(2026, bridge)).toContainEqual({ date: '2026-05-15', name: 'sluitingsdag' });
    expect(holidaysOf(2027, bridge).some((h) => h.name === 'sluitingsdag')).toBe(false);
  });

  it('treats weekends as non-working days', () => {
    expect(isWorkingDay('2026-04-25')).toBe(false);
    expect(isWorkingDay('2026-04-26')).toBe(false);
    expect(isWorkingDay('2026-04-28')).toBe(true);
  });
});
