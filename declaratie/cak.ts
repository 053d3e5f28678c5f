import { daysBetween, type IsoDate, maxIsoDate, minIsoDate } from '../calendar/iso-date';
import { type Period, periodsOverlapping } from '../calendar/periods';
import { clip, dayCount } from './care';
import type { Periode } from './types';

/*
 * The seed protocol's amounts under iWmo 3.2 (docs/claims.md). The 323 keeps the standard's calendar
 * month (CS340); the amount of a month is made of CAK 4-week period amounts:
 *  - a CAK period with any care is billed whole (one tariff);
 *  - a CAK period without care (e.g. a temporary stop over all of it) is not billed;
 *  - billing ends with the CAK period of the last care day (death, moving away, a definitive stop: the
 *    care window ends there, so later periods have no care);
 *  - a billed period's amount is split over the months by its days inside the toewijzing, in whole cents
 *    by largest remainder, so each period adds up to exactly its tariff and a year to 13 × tariff minus
 *    the unbilled periods (53-week years too: period 13 then has 35 days and still one tariff).
 */

/** A CAK period's days inside the toewijzing, per calendar month, in order. */
function daysPerMonth(inside: Periode): { month: Period; days: number }[] {
  return periodsOverlapping(inside.begindatum, inside.einddatum, 'month').map((month) => ({
    month,
    days: dayCount(clip([inside], { begindatum: month.start, einddatum: month.end })),
  }));
}

/**
 * Splits `amount` cents over weights (days) in whole cents: floor of each exact share, then the remaining
 * cents one each to the largest remainders (ties: the earlier month). The parts add up to `amount`.
 */
export function splitByLargestRemainder(amount: number, weights: readonly number[]): number[] {
  const total = weights.reduce((s, w) => s + w, 0);
  if (total <= 0) throw new RangeError('weights must add up to more than 0');
  const parts = weights.map((w) => Math.floor((amount * w) / total));
  const remainders = weights.map((w, i) => ({ i, r: (amount * w) % total }));
  let left = amount - parts.reduce((s, p) => s + p, 0);
  remainders.sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of remainders) {
    if (left === 0) break;
    parts[i] = (parts[i] as number) + 1;
    left--;
  }
  return parts;
}

export interface CakShare {
  /** The CAK period the amount belongs to. */
  period: Period;
  /** Its days in this month inside the toewijzing. */
  days: Periode;
  /** Cents of the period's tariff that fall in this month. */
  amount: number;
  /** The period's whole tariff (cents). */
  tariff: number;
}

export interface CakMonthInput {
  month: Periode;
  toewijzing: Periode;
  /** Reported care, inside the toewijzing (care.ts). */
  care: readonly Periode[];
  /** The tariff (cents per CAK period) for a period, by the first day it covers in the toewijzing. */
  tariffOn: (date: IsoDate) => number | undefined;
}

/** The month's shares of every billed CAK period touching it; missing tariffs come back as dates. */
export function cakSharesOfMonth(input: CakMonthInput): { shares: CakShare[]; noTariff: IsoDate[] } {
  const { month, toewijzing } = input;
  const inMonth = clip([toewijzing], month)[0];
  if (!inMonth) return { shares: [], noTariff: [] };
  const shares: CakShare[] = [];
  const noTariff: IsoDate[] = [];
  for (const period of periodsOverlapping(inMonth.begindatum, inMonth.einddatum, 'cak4w')) {
    const inside = clip([toewijzing], { begindatum: period.start, einddatum: period.end })[0];
    if (!inside || clip(input.care, inside).length === 0) continue; // no care: not billed
    const tariff = input.tariffOn(inside.begindatum);
    if (tariff === undefined) {
      noTariff.push(inside.begindatum);
      continue;
    }
    const perMonth = daysPerMonth(inside);
    const parts = splitByLargestRemainder(
      tariff,
      perMonth.map((m) => m.days),
    );
    const index = perMonth.findIndex((m) => m.month.start === month.begindatum);
    const days = {
      begindatum: maxIsoDate(inside.begindatum, month.begindatum),
      einddatum: minIsoDate(inside.einddatum, month.einddatum),
    };
    shares.push({ period, days, amount: parts[index] as number, tariff });
  }
  return { shares, noTariff };
}

/** The last day of the last CAK period touching a month: before it, the month's amount is not final. */
export function cakMonthFinalOn(month: Periode): IsoDate {
  const periods = periodsOverlapping(month.begindatum, month.einddatum, 'cak4w');
  return (periods[periods.length - 1] as Period).end;
}

/** Days of a range (for messages and tests). */
export const lengthOf = (p: Periode) => daysBetween(p.begindatum, p.einddatum) + 1;
