/*
 * Identifier rules that every message builder and check shares. Pure: sequence numbers and dates are
 * passed in, so identifiers are deterministic inside workflows.
 */

/** BSN 11-proef (CS002): 9 digits, weights 9..2 and −1 for the last digit, sum divisible by 11, not 0. */
export function isValidBsn(bsn: string): boolean {
  if (!/^[0-9]{9}$/.test(bsn)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(bsn[i]) * (9 - i);
  sum -= Number(bsn[8]);
  return sum % 11 === 0 && bsn !== '000000000';
}

/*
 * AGB code (LDT_AgbCode, the aanbieder) and CBS gemeentecode (LDT_Gemeente): the one definition of each,
 * with the sentence an error names. zod schemas of both are in identifier-schemas.ts; workflow code uses
 * the patterns and predicates here, which load nothing.
 */
export const agbCodePattern = /^[0-9]{8}$/;
export const agbCodeRule = 'AGB code is 8 digits';
export const isAgbCode = (code: string) => agbCodePattern.test(code);
export const gemeenteCodePattern = /^[0-9]{4}$/;
export const gemeenteCodeRule = 'CBS gemeentecode is 4 digits';
export const isGemeenteCode = (code: string) => gemeenteCodePattern.test(code);
/** ToewijzingNummer is an xs:integer 0..999 999 999 (LDT_Nummer). */
export const isToewijzingNummer = (n: number) => Number.isInteger(n) && n >= 0 && n <= 999_999_999;

const base36 = (n: number) => n.toString(36).toUpperCase();

/**
 * BerichtIdentificatie/Identificatie: ≤ 12 chars, unique per message type per sender (TR056).
 * Built from the message number and a per-sender sequence the caller keeps (e.g. the outbox row count),
 * e.g. makeIdentificatie('301', 42) = '301-0000016'.
 */
export function makeIdentificatie(nr: string, sequence: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 0)
    throw new RangeError('sequence must be a whole number ≥ 0');
  const id = `${nr}-${base36(sequence).padStart(7, '0')}`;
  if (id.length > 12) throw new RangeError('sequence too large for a 12-character Identificatie');
  return id;
}

export const isIdentificatie = (id: string) => id.length >= 1 && id.length <= 12 && id.trim() !== '';

/** DeclaratieNummer: 1–12 alphanumerics, no separators (TR333 uniqueness is the caller's sequence). */
export function makeDeclaratieNummer(prefix: string, sequence: number): string {
  const id = `${prefix}${base36(sequence).padStart(12 - prefix.length, '0')}`;
  if (!isDeclaratieNummer(id)) throw new RangeError('prefix + sequence do not form a valid DeclaratieNummer');
  return id;
}
export const isDeclaratieNummer = (id: string) => /^[a-zA-Z0-9]{1,12}$/.test(id);

/** ProductReferentie/ReferentieNummer: ≤ 20 chars, unique per aanbieder per domain (TR314). */
export function makeReferentieNummer(prefix: string, sequence: number): string {
  const id = `${prefix}-${base36(sequence).padStart(8, '0')}`;
  if (!isReferentieNummer(id)) throw new RangeError('prefix + sequence do not form a valid ReferentieNummer');
  return id;
}
export const isReferentieNummer = (id: string) => id.length >= 1 && id.length <= 20 && id.trim() !== '';
