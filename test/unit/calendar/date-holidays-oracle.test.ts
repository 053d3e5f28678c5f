import Holidays from 'date-holidays';
import { describe, expect, it } from 'vitest';
import { holidaysOf } from '../../../calendar';

/*
 * Independent oracle: the date-holidays package's NL calendar, 2000–2100. Its 'public' holidays are
 * the national ones incl. Koninginnedag before 2014 and the Easter/Pentecost Sundays. It types Goede
 * Vrijdag and Bevrijdingsdag as 'school', not 'public'; the Algemene termijnenwet treats both as
 * holidays (5 May every year, GV by art. 3 lid 2), so those two are the intended and only differences.
 */

const nl = new Holidays('NL');

describe('holidays vs date-holidays NL', () => {
  it('differ exactly by Goede Vrijdag and 5 May in 2000–2100', () => {
    for (let year = 2000; year <= 2100; year += 1) {
      const theirs = nl.getHolidays(year);
      const theirPublic = new Set(theirs.filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10)));
      const ours = holidaysOf(year);
      const ourDates = new Set(ours.map((h) => h.date));

      // Everything they call public is a holiday for us.
      expect(
        [...theirPublic].filter((d) => !ourDates.has(d)),
        `${year}`,
      ).toEqual([]);

      // What we have beyond that is Goede Vrijdag and 5 May — unless 5 May is also a public day
      // for them (Hemelvaartsdag on 5 May, e.g. 2016).
      const intended = ours.filter((h) => h.name === 'goede-vrijdag' || h.name === 'bevrijdingsdag');
      const expectedExtra = intended.map((h) => h.date).filter((d) => !theirPublic.has(d));
      expect(
        [...ourDates].filter((d) => !theirPublic.has(d)),
        `${year}`,
      ).toEqual(expectedExtra);

      // And date-holidays does know both days, as 'school' holidays.
      for (const h of intended) {
        const match = theirs.find((t) => t.date.slice(0, 10) === h.date && t.type === 'school');
        expect(match, `${h.name} ${h.date}`).toBeDefined();
      }
    }
  });

  it('includes the case where 5 May is Hemelvaartsdag (2016)', () => {
    const dates = holidaysOf(2016).filter((h) => h.date === '2016-05-05');
    expect(dates.map((h) => h.name).sort()).toEqual(['bevrijdingsdag', 'hemelvaartsdag']);
  });
});
