import type { Findings } from './finding';

/*
 * Rules across the entries of one class: TR101 (no duplicate logical keys) and the "no overlapping care
 * periods for the same product" rules TR302 (301), TR386 (315) and TR410 (317). Both run in O(n log n):
 * a message may hold tens of thousands of entries.
 */

/**
 * TR101: the logical key of each entry (with its parents' keys, which are fixed within the list) is unique
 * in the message. Every repeat of an earlier key is reported at the repeating entry.
 */
export function checkUniqueKeys<T>(
  f: Findings,
  items: readonly T[],
  key: (item: T) => readonly unknown[],
  pathOf: (index: number) => string,
): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const k = JSON.stringify(key(item));
    f.check(!seen.has(k), 'TR101', pathOf(i));
    seen.add(k);
  });
}

/** One product's care period: Product may be absent (a budget), Einddatum open. */
export interface Zorgperiode {
  Product?: { Categorie: string; Code?: string };
  begin: string;
  eind?: string;
}

/** Hulpmiddelen (categories 11–14) may overlap with anything, also within their category. */
const hulpmiddel = (p: Zorgperiode) => ['11', '12', '13', '14'].includes(p.Product?.Categorie ?? '');
const OPEN = '9999-12-31';
const later = (a: string | undefined, b: string) => (a === undefined || b > a ? b : a);

/**
 * TR302/TR386/TR410: a product occurs more than once only with periods that do not overlap (inclusive
 * dates, an open end runs on forever). Without a ProductCode the product is compared by category; without
 * a Product it may overlap nothing (except hulpmiddelen). `null` entries (a deleted toewijzing) and empty
 * periods (end before begin: CS003's finding) take no part. Of two overlapping entries the one that starts
 * later (for equal starts: comes later) is reported.
 */
export function checkNoOverlap(
  f: Findings,
  periods: readonly (Zorgperiode | null)[],
  id: string,
  pathOf: (index: number) => string,
): void {
  const order = periods
    .map((p, i) => ({ p, i }))
    .filter((e): e is { p: Zorgperiode; i: number } => {
      const p = e.p;
      return p !== null && !hulpmiddel(p) && (p.eind === undefined || p.eind >= p.begin);
    })
    .sort((a, b) => (a.p.begin < b.p.begin ? -1 : a.p.begin > b.p.begin ? 1 : a.i - b.i));
  // Latest end so far of: every entry, entries without Product, per category, aspecific per category, per code.
  let all: string | undefined;
  let noProduct: string | undefined;
  const byCategory = new Map<string, string>();
  const aspecific = new Map<string, string>();
  const byCode = new Map<string, string>();
  const reaches = (end: string | undefined, begin: string) => end !== undefined && end >= begin;
  for (const { p, i } of order) {
    const { begin } = p;
    const cat = p.Product?.Categorie;
    const code = p.Product?.Code;
    const codeKey = `${cat}|${code}`;
    let clash: boolean;
    if (cat === undefined) clash = reaches(all, begin);
    else if (code === undefined) clash = reaches(noProduct, begin) || reaches(byCategory.get(cat), begin);
    else
      clash =
        reaches(noProduct, begin) ||
        reaches(aspecific.get(cat), begin) ||
        reaches(byCode.get(codeKey), begin);
    f.check(!clash, id, pathOf(i));
    const end = p.eind ?? OPEN;
    all = later(all, end);
    if (cat === undefined) noProduct = later(noProduct, end);
    else {
      byCategory.set(cat, later(byCategory.get(cat), end));
      if (code === undefined) aspecific.set(cat, later(aspecific.get(cat), end));
      else byCode.set(codeKey, later(byCode.get(codeKey), end));
    }
  }
}
