import fc from 'fast-check';
import { atwPatternDays, fromEpochDay, type HolidayRules, holidayNames, toEpochDay } from '../../../calendar';

/** Shared fast-check generators for the calendar tests. */

const FIRST = toEpochDay('1990-01-01');
const LAST = toEpochDay('2200-12-31');

/** Any calendar date 1990–2200. */
export const anyDate = fc.integer({ min: FIRST, max: LAST }).map(fromEpochDay);

/** Any year in the same range. */
export const anyYear = fc.integer({ min: 1990, max: 2200 });

/** Holiday rules as profiles may set them: the Atw default or a variation on it. */
export const anyHolidayRules: fc.Arbitrary<HolidayRules> = fc.record({
  bevrijdingsdag: fc.constantFrom('every-year', 'lustrum', 'never'),
  omit: fc.subarray([...holidayNames]),
  extraClosingDays: fc.array(
    fc.integer({ min: toEpochDay('2024-01-01'), max: toEpochDay('2027-12-31') }).map(fromEpochDay),
    {
      maxLength: 10,
    },
  ),
  // Off, or the Atw pattern with some of its 2024–2027 days removed and a few days added.
  atwEquatedDays: fc.option(
    fc.record({
      add: fc.array(
        fc.integer({ min: toEpochDay('2024-01-01'), max: toEpochDay('2027-12-31') }).map(fromEpochDay),
        { maxLength: 5 },
      ),
      remove: fc.subarray([2024, 2025, 2026, 2027].flatMap(atwPatternDays)),
    }),
    { nil: undefined },
  ),
});
