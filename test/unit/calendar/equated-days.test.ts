import { describe, expect, it } from 'vitest';
import {
  addDays,
  addWorkingDays,
  atwHolidayRules,
  atwPatternDays,
  deadlinesFor,
  easterSunday,
  type HolidayRules,
  holidaysOf,
  isoWeekday,
  isWorkingDay,
  makeIsoDate,
  parseIsoDate,
  parseProfile,
  workingDaysBetween,
} from '../../../calendar';
import { loadProfiles } from '../../../config/profiles';

/*
 * Days equated with holidays under art. 3(3) Algemene termijnenwet: an opt-in of a profile. The
 * expected dates were worked out by hand from the pattern (see calendar/equated-days.ts) and a calendar;
 * each test also checks the weekdays the pattern depends on.
 */

const optedIn: HolidayRules = { ...atwHolidayRules, atwEquatedDays: { add: [], remove: [] } };
const registry = loadProfiles();
const national = registry.profile('iwmo-3.2');
const nationalOptedIn = parseProfile(
  { ...structuredClone(national), workingDays: { ...national.workingDays, atwEquatedDays: {} } },
  'iwmo-3.2-atw.json',
);

describe('Atw equated days: the pattern', () => {
  it('2026: Friday after Thursday 1 January, Monday before Tuesday 5 May, Friday after Hemelvaart', () => {
    expect(['2026-01-01', '2026-05-05', '2026-05-14'].map(isoWeekday)).toEqual([4, 2, 4]);
    // Koningsdag is a Monday, Christmas a Friday, Boxing Day a Saturday, 1 Jan 2027 a Friday: nothing.
    expect(['2026-04-27', '2026-12-25', '2026-12-26', '2027-01-01'].map(isoWeekday)).toEqual([1, 5, 6, 5]);
    expect(atwPatternDays(2026)).toEqual(['2026-01-02', '2026-05-04', '2026-05-15']);
    expect(atwPatternDays(2026).map(isoWeekday)).toEqual([5, 1, 5]);
  });

  it('2027: Monday before Tuesday Koningsdag, Friday after Hemelvaart', () => {
    expect(['2027-04-27', '2027-05-06'].map(isoWeekday)).toEqual([2, 4]);
    // 1 Jan a Friday, 5 May a Wednesday, Christmas a Saturday, 1 Jan 2028 a Saturday: nothing.
    expect(['2027-01-01', '2027-05-05', '2027-12-25', '2028-01-01'].map(isoWeekday)).toEqual([5, 3, 6, 6]);
    expect(atwPatternDays(2027)).toEqual(['2027-04-26', '2027-05-07']);
    expect(atwPatternDays(2027).map(isoWeekday)).toEqual([1, 5]);
  });

  it('2028: Friday after Thursday Koningsdag, Friday after Hemelvaart', () => {
    expect(['2028-04-27', '2028-05-25'].map(isoWeekday)).toEqual([4, 4]);
    // 1 Jan a Saturday, 5 May a Friday, Christmas a Monday, Boxing Day a Tuesday, 1 Jan 2029 a Monday.
    expect(['2028-01-01', '2028-05-05', '2028-12-25', '2028-12-26', '2029-01-01'].map(isoWeekday)).toEqual([
      6, 5, 1, 2, 1,
    ]);
    expect(atwPatternDays(2028)).toEqual(['2028-04-28', '2028-05-26']);
    expect(atwPatternDays(2028).map(isoWeekday)).toEqual([5, 5]);
  });

  it('equates 31 December when next Nieuwjaarsdag is a Tuesday, and 24 December before a Tuesday Christmas', () => {
    // 2029: Hemelvaart Thu 10 May; Christmas Tue 25 Dec; 1 Jan 2030 a Tuesday.
    expect(['2029-05-10', '2029-12-25', '2030-01-01'].map(isoWeekday)).toEqual([4, 2, 2]);
    expect(atwPatternDays(2029)).toEqual(['2029-05-11', '2029-12-24', '2029-12-31']);
    expect(atwPatternDays(2030)).not.toContain('2029-12-31');
    // Fri 21 Dec 2029 + 3 working days: 24 equated, 25 + 26 holidays, 27 (1), 28 (2), 31 equated, 1 Jan, 2 Jan (3).
    expect(addWorkingDays('2029-12-21', 3, optedIn)).toBe('2030-01-02');
    // Without the opt-in: 24 (1), 25 + 26 holidays, 27 (2), 28 (3).
    expect(addWorkingDays('2029-12-21', 3)).toBe('2029-12-28');
  });

  it('closes the whole week when Hemelvaart is 7 May (2043)', () => {
    expect(addDays(easterSunday(2043), 39)).toBe('2043-05-07');
    expect(['2043-05-05', '2043-05-07'].map(isoWeekday)).toEqual([2, 4]);
    expect(atwPatternDays(2043).filter((d) => d.startsWith('2043-05'))).toEqual([
      '2043-05-04',
      '2043-05-06',
      '2043-05-08',
    ]);
    for (const day of ['2043-05-04', '2043-05-05', '2043-05-06', '2043-05-07', '2043-05-08']) {
      expect(isWorkingDay(day, optedIn), day).toBe(false);
    }
    expect(workingDaysBetween('2043-05-01', '2043-05-11', optedIn)).toBe(1);
  });

  it('names exactly the lone working days between two closed days, 1990–2200, with two kinds of exception', () => {
    // An independent reading of the same rule: a weekday that is no holiday, with a closed day on each side.
    const closed = (d: string) =>
      isoWeekday(d) >= 6 || holidaysOf(parseIsoDate(d).year).some((h) => h.date === d);
    for (let year = 1990; year <= 2200; year += 1) {
      const bridges: string[] = [];
      for (let d = makeIsoDate(year, 1, 1); d <= makeIsoDate(year, 12, 31); d = addDays(d, 1)) {
        if (!closed(d) && closed(addDays(d, -1)) && closed(addDays(d, 1))) bridges.push(d);
      }
      // A pattern day may itself be a holiday (Hemelvaart on 4 May puts its Friday on 5 May).
      const pattern = atwPatternDays(year).filter((d) => !closed(d));
      // The pattern names no Tuesday between Tweede Paasdag and a Wednesday Koningsdag (2095, 2163).
      const notInPattern = bridges.filter((d) => !pattern.includes(d));
      for (const d of notInPattern) {
        expect(holidaysOf(year).find((h) => h.date === addDays(d, -1))?.name, d).toBe('tweede-paasdag');
        expect(holidaysOf(year).find((h) => h.date === addDays(d, 1))?.name, d).toBe('koningsdag');
      }
      expect(
        pattern.filter((d) => !bridges.includes(d)),
        `${year}`,
      ).toEqual([]);
    }
  });
});

describe('Atw equated days in a profile', () => {
  it('are off by default: shipped profiles and the Atw default rules keep 15 May 2026 a working day', () => {
    for (const p of registry.profiles.values()) expect(p.workingDays.atwEquatedDays, p.id).toBeUndefined();
    expect(isWorkingDay('2026-05-15')).toBe(true);
    expect(holidaysOf(2026).some((h) => h.name === 'gelijkgestelde-dag')).toBe(false);
  });

  it('count as holidays once a profile opts in', () => {
    expect(nationalOptedIn.workingDays.atwEquatedDays).toEqual({ add: [], remove: [] });
    expect(
      holidaysOf(2026, nationalOptedIn.workingDays).filter((h) => h.name === 'gelijkgestelde-dag'),
    ).toEqual([
      { date: '2026-01-02', name: 'gelijkgestelde-dag' },
      { date: '2026-05-04', name: 'gelijkgestelde-dag' },
      { date: '2026-05-15', name: 'gelijkgestelde-dag' },
    ]);
  });

  it('move a deadline across Hemelvaart week by a day (deadlinesFor)', () => {
    const due = (profile: typeof national, type: '315-ontvangen' | '301-ontvangen', date: string) =>
      deadlinesFor({ type, date }, profile).opens.map((d) => `${d.action} ${d.due}`);
    // Wed 13 May 2026: Hemelvaart 14, equated 15; 18 (1), 19 (2), 20 (3), 21 (4), 22 (5).
    expect(due(nationalOptedIn, '315-ontvangen', '2026-05-13')).toEqual([
      'verstuur-316 2026-05-20',
      'verstuur-301-of-319 2026-05-22',
    ]);
    expect(due(national, '315-ontvangen', '2026-05-13')).toEqual([
      'verstuur-316 2026-05-19',
      'verstuur-301-of-319 2026-05-21',
    ]);
    // Wed 31 Dec 2025: 1 Jan, equated 2 Jan; 5 (1), 6 (2), 7 (3).
    expect(due(nationalOptedIn, '301-ontvangen', '2025-12-31')).toEqual(['verstuur-302 2026-01-07']);
    expect(due(national, '301-ontvangen', '2025-12-31')).toEqual(['verstuur-302 2026-01-06']);
  });

  it('take single days out or in where a decree differs', () => {
    const corrected: HolidayRules = {
      ...atwHolidayRules,
      atwEquatedDays: { add: ['2028-05-24'], remove: ['2028-04-28'] },
    };
    expect(isWorkingDay('2028-04-28', corrected)).toBe(true);
    expect(isWorkingDay('2028-05-24', corrected)).toBe(false);
    expect(isWorkingDay('2028-05-26', corrected)).toBe(false);
    expect(
      holidaysOf(2027, corrected)
        .filter((h) => h.name === 'gelijkgestelde-dag')
        .map((h) => h.date),
    ).toEqual(['2027-04-26', '2027-05-07']);
  });

  it('reject corrections that would change nothing, naming file and field', () => {
    const withRule = (atwEquatedDays: unknown) => () =>
      parseProfile({ ...structuredClone(national), workingDays: { atwEquatedDays } }, 'x.json');
    expect(withRule({ remove: ['2027-05-14'] })).toThrow(
      'x.json: workingDays.atwEquatedDays.remove[0]: 2027-05-14 is not a day the Atw pattern equates (that year: 2027-04-26, 2027-05-07)',
    );
    expect(withRule({ add: ['2026-05-15'] })).toThrow(
      'x.json: workingDays.atwEquatedDays.add[0]: 2026-05-15 is already equated by the Atw pattern',
    );
    expect(withRule({ add: ['2026-05-16'] })).toThrow(
      'x.json: workingDays.atwEquatedDays.add[0]: 2026-05-16 is a weekend day: only Monday–Friday can be equated',
    );
    expect(withRule({ add: ['2026-02-30'] })).toThrow(
      'x.json: workingDays.atwEquatedDays.add[0]: must be a calendar date YYYY-MM-DD',
    );
    expect(withRule(true)).toThrow(/x\.json: workingDays\.atwEquatedDays:/);
    expect(withRule({ pattern: true })).toThrow(/x\.json: workingDays\.atwEquatedDays: Unrecognized key/);
  });
});
