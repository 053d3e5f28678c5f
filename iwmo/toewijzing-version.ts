/*
 * Version order and deletion of a toewijzing on plain data (pure; safe inside a workflow).
 * The current version is the one with the latest Toewijzingsdatum + Toewijzingstijd (IV013).
 */

export interface ToewijzingVersionRef {
  toewijzingsdatum: string;
  toewijzingstijd: string;
}

/** A key that sorts versions in time order as plain strings; 24:00:00 is the next day's 00:00:00. */
export function toewijzingVersionKey(datum: string, tijd: string): string {
  const [hms = '', fraction = ''] = tijd.split('.');
  const digits = `${fraction}000000000`.slice(0, 9);
  return `${datum}T${hms}.${digits}`;
}

export function compareToewijzingVersions(a: ToewijzingVersionRef, b: ToewijzingVersionRef): number {
  const ka = toewijzingVersionKey(a.toewijzingsdatum, a.toewijzingstijd);
  const kb = toewijzingVersionKey(b.toewijzingsdatum, b.toewijzingstijd);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** RedenWijziging 13 with Einddatum = Ingangsdatum: the toewijzing counts as never sent (CS335). */
export function isDeletedToewijzing(t: {
  redenWijziging?: string;
  ingangsdatum: string;
  einddatum?: string;
}): boolean {
  return t.redenWijziging === '13' && t.einddatum === t.ingangsdatum;
}
