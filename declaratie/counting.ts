import { addDays, daysBetween, isoWeekday } from '../calendar/iso-date';
import { isoWeekOf, periodsOverlapping } from '../calendar/periods';
import { dayCount, daysOf } from './care';
import type { Eenheid } from './schemas';
import type { Omvang, Periode, ToewijzingVoorDeclaratie } from './types';

/*
 * The standard's counting rules: how much of an Omvang one product period may claim, and how much the
 * whole toewijzing may claim (TR321 per line, TR322 cumulative).
 *  - per dag (1): care days × volume.
 *  - per week (2), inspanningsgericht (IV076): the delivered units, at most the ISO weeks the care in
 *    the period touches × the weekly volume (a week across two months counts in both). Without a
 *    registration of delivered units (`geleverd`) the house default claims each week with care once, in
 *    the month of its last care day, so no week is claimed twice (weeksClaimedIn).
 *  - per week (2), outputgericht (eenheid 82/83, IV076): a week belongs to the month of its Sunday; when the
 *    toewijzing does not end on a Sunday, its last broken week joins the month of its last Sunday.
 *  - per maand (4) (IV077): a month with care claims the monthly volume.
 *  - totaal (6) (IV078): spread over the toewijzing by days, cumulatively rounded down, so the periods add up
 *    to the total exactly by the end; needs the toewijzing's Einddatum.
 */

/** Output units: stuks (output) and euro's (domain brief §2.3, Uitvoeringsvarianten). */
export function isOutputgericht(eenheid: Eenheid): boolean {
  return eenheid === '82' || eenheid === '83';
}

function isoWeeksTouched(ranges: readonly Periode[]): number {
  const weeks = new Set<string>();
  for (const day of daysOf(ranges)) {
    const w = isoWeekOf(day);
    weeks.add(`${w.year}-${w.week}`);
  }
  return weeks.size;
}

function sundays(ranges: readonly Periode[]): number {
  let n = 0;
  for (const r of ranges) {
    // First Sunday on or after the start, then every 7 days.
    const first = addDays(r.begindatum, (7 - isoWeekday(r.begindatum)) % 7);
    if (first <= r.einddatum) n += Math.floor(daysBetween(first, r.einddatum) / 7) + 1;
  }
  return n;
}

/** The last Sunday on or before `date`. */
function sundayOnOrBefore(date: string): string {
  return addDays(date, -(isoWeekday(date) % 7));
}

/** IV076 outputgericht: the broken last week counts in the month of the toewijzing's last Sunday. */
function brokenLastWeek(t: ToewijzingVoorDeclaratie, month: Periode): number {
  if (!t.einddatum || isoWeekday(t.einddatum) === 7) return 0;
  const last = sundayOnOrBefore(t.einddatum);
  if (last < t.ingangsdatum) return 0;
  return month.begindatum <= last && last <= month.einddatum ? 1 : 0;
}

/** How many units the care in `ranges` (inside one month) may claim under `omvang` (TR321). */
export function periodMaximum(
  t: ToewijzingVoorDeclaratie,
  omvang: Omvang,
  ranges: readonly Periode[],
  month: Periode,
): number | undefined {
  switch (omvang.frequentie) {
    case '1':
      return dayCount(ranges) * omvang.volume;
    case '2':
      if (!isOutputgericht(omvang.eenheid)) return isoWeeksTouched(ranges) * omvang.volume;
      return (sundays(ranges) + brokenLastWeek(t, month)) * omvang.volume;
    case '4':
      return dayCount(ranges) > 0 ? omvang.volume : 0;
    case '6':
      return undefined; // spread by totaalThrough
  }
}

/**
 * House default for per-week inspanning without registered units: every ISO week with care counts once,
 * in the month that holds its last care day (for a whole week: its Sunday, as IV076 does for output).
 */
export function weeksClaimedIn(allCare: readonly Periode[], month: Periode): number {
  const lastDayOfWeek = new Map<string, string>();
  for (const day of daysOf(allCare)) {
    const w = isoWeekOf(day);
    lastDayOfWeek.set(`${w.year}-${w.week}`, day);
  }
  let n = 0;
  for (const day of lastDayOfWeek.values()) if (month.begindatum <= day && day <= month.einddatum) n++;
  return n;
}

/** IV078: the share of a total volume due by `through`, rounded down (so the end claims the rest). */
export function totaalThrough(
  t: ToewijzingVoorDeclaratie,
  omvang: Omvang,
  through: string,
): number | undefined {
  if (!t.einddatum) return undefined;
  const all = daysBetween(t.ingangsdatum, t.einddatum) + 1;
  const done = Math.min(all, daysBetween(t.ingangsdatum, through) + 1);
  return Math.floor((omvang.volume * done) / all);
}

/** What the whole toewijzing may claim (TR322); undefined when it has no end date. */
export function toewijzingMaximum(t: ToewijzingVoorDeclaratie, omvang: Omvang): number | undefined {
  if (!t.einddatum) return undefined;
  const whole: Periode = { begindatum: t.ingangsdatum, einddatum: t.einddatum };
  switch (omvang.frequentie) {
    case '1':
      return dayCount([whole]) * omvang.volume;
    case '2':
      if (!isOutputgericht(omvang.eenheid)) return isoWeeksTouched([whole]) * omvang.volume;
      return (sundays([whole]) + (isoWeekday(t.einddatum) === 7 ? 0 : 1)) * omvang.volume;
    case '4':
      return periodsOverlapping(t.ingangsdatum, t.einddatum, 'month').length * omvang.volume;
    case '6':
      return omvang.volume;
  }
}
