import { addDays, daysBetween, type IsoDate, maxIsoDate, minIsoDate } from '../calendar/iso-date';
import type { ClaimFinding } from './findings';
import type { Levering, Periode, ToewijzingVoorDeclaratie } from './types';

/*
 * The care window of a toewijzing: the days from each reported start (305 delivered, not rejected) to its
 * stop (307, temporary or definitive) or the toewijzing's end. Only these days can be claimed; a start
 * whose 305 is owed, undelivered or rejected claims nothing and says why (house policy: OP364 forbids the
 * gemeente to require a 305, it does not forbid the provider to wait for one).
 */

/** Far enough for an open toewijzing without an end date. */
const openEnd: IsoDate = '9999-12-31';

export type CareWindow = { ok: true; ranges: Periode[] } | { ok: false; finding: ClaimFinding };

function noStart(leveringen: readonly Levering[]): ClaimFinding {
  if (leveringen.some((l) => l.start === 'afgewezen')) {
    return { rule: 'beleid', reason: 'start-afgewezen', message: 'the gemeente rejected the start (306)' };
  }
  if (leveringen.length > 0) {
    const message = 'the start (305) is still owed or not delivered: nothing to claim yet';
    return { rule: 'beleid', reason: 'start-niet-gemeld', message };
  }
  return { rule: 'beleid', reason: 'geen-start', message: 'no start of care (305) was reported' };
}

/** The reported care of a toewijzing as sorted, merged date ranges inside the toewijzing. */
export function careWindow(t: ToewijzingVoorDeclaratie, leveringen: readonly Levering[]): CareWindow {
  const end = t.einddatum ?? openEnd;
  const ranges = leveringen
    .filter((l) => l.start === 'gemeld')
    .map((l) => ({
      begindatum: maxIsoDate(l.begindatum, t.ingangsdatum),
      einddatum: minIsoDate(l.stop?.einddatum ?? end, end),
    }))
    .filter((r) => r.begindatum <= r.einddatum)
    .sort((a, b) => (a.begindatum < b.begindatum ? -1 : a.begindatum > b.begindatum ? 1 : 0));
  if (!leveringen.some((l) => l.start === 'gemeld')) return { ok: false, finding: noStart(leveringen) };
  return { ok: true, ranges: merge(ranges) };
}

function merge(ranges: Periode[]): Periode[] {
  const out: Periode[] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && r.begindatum <= addDays(last.einddatum, 1)) {
      last.einddatum = maxIsoDate(last.einddatum, r.einddatum);
    } else out.push({ ...r });
  }
  return out;
}

/** The parts of `ranges` inside `within`. */
export function clip(ranges: readonly Periode[], within: Periode): Periode[] {
  return ranges
    .map((r) => ({
      begindatum: maxIsoDate(r.begindatum, within.begindatum),
      einddatum: minIsoDate(r.einddatum, within.einddatum),
    }))
    .filter((r) => r.begindatum <= r.einddatum);
}

/** Number of days in the ranges (inclusive). */
export function dayCount(ranges: readonly Periode[]): number {
  return ranges.reduce((n, r) => n + daysBetween(r.begindatum, r.einddatum) + 1, 0);
}

/** Every day of the ranges, in order. */
export function* daysOf(ranges: readonly Periode[]): Generator<IsoDate> {
  for (const r of ranges) {
    for (let d = r.begindatum; d <= r.einddatum; d = addDays(d, 1)) yield d;
  }
}

/** The toewijzing's own range (open end: far future). */
export function toewijzingRange(t: ToewijzingVoorDeclaratie): Periode {
  return { begindatum: t.ingangsdatum, einddatum: t.einddatum ?? openEnd };
}
