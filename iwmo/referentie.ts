import { isValidBsn } from './identifiers';

/*
 * ReferentieAanbieder (LDT_Referentie): the provider's key of a request, unique per provider within the
 * Wmo domain (TR347), carried back by the 301 that honours it (TR379) and by the 319 that answers it
 * (TR355). It becomes part of a workflow id, so beyond the XSD (1–36 characters, not only whitespace)
 * it must be printable and must not hold a BSN: ids are visible to operators and never carry client data.
 */

export const referentieMaxLength = 36;

// Control characters (C0, DEL, C1) and the line/paragraph separators: no place in an id.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const unprintable = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Why `value` cannot be a ReferentieAanbieder, or undefined. Never quotes the value. */
export function referentieProblem(value: string): string | undefined {
  if (value.length < 1 || value.length > referentieMaxLength)
    return `ReferentieAanbieder must be 1–${referentieMaxLength} characters`;
  if (!/[^ \t\n\r]/.test(value)) return 'ReferentieAanbieder must not be only whitespace';
  if (unprintable.test(value)) return 'ReferentieAanbieder must not hold control characters';
  const digitRuns = value.match(/[0-9]{9,}/g) ?? [];
  const holdsBsn = digitRuns.some((run) => {
    for (let i = 0; i + 9 <= run.length; i++) if (isValidBsn(run.slice(i, i + 9))) return true;
    return false;
  });
  if (holdsBsn) return 'ReferentieAanbieder must not hold a BSN (it becomes part of a workflow id)';
  return undefined;
}
