import { z } from 'zod';
import { isoDate } from '../calendar/schemas';
import { agbCode, gemeenteCode } from '../iwmo/identifier-schemas';

/*
 * zod schemas of the claim data that comes from configuration: the contract of one aanbieder with one
 * gemeente (products, units, frequencies, tariffs with validity dates, the billing basis). The pure
 * claim code imports only the TYPES from here (`import type`), so the workflow bundle does not load zod
 * (same split as calendar/schemas.ts). The loader of config/contracts/*.json is config/contracts.ts.
 */

/** Eenheid (WJ756): 01 minuut, 04 uur, 14 etmaal, 16 dagdeel, 82 stuks (output), 83 euro's, 84 stuks. */
export const eenheid = z.enum(['01', '04', '14', '16', '82', '83', '84'], {
  error: (i) => `must be an Eenheid code (WJ756: 01, 04, 14, 16, 82, 83, 84), got '${String(i.input)}'`,
});
export type Eenheid = z.infer<typeof eenheid>;

/** Frequentie (WMO757): 1 per dag, 2 per week, 4 per maand, 6 totaal binnen de geldigheidsduur. */
export const frequentie = z.enum(['1', '2', '4', '6'], {
  error: (i) => `must be a Frequentie code (WMO757: 1, 2, 4, 6), got '${String(i.input)}'`,
});
export type Frequentie = z.infer<typeof frequentie>;

const categorie = z.string().regex(/^(0[1-9]|1[0-8])$/, 'must be a ProductCategorie code (WMO020: 01–18)');
const cents = z
  .number()
  .int('must be whole cents')
  .min(0, 'must be ≥ 0')
  .max(99_999_999, 'must be ≤ 99 999 999 cents');

export const tarief = z
  .object({
    ingangsdatum: isoDate,
    /** Inclusive; absent: open-ended. */
    einddatum: isoDate.optional(),
    /** Cents per eenheid (basis 'eenheid') or per CAK period (basis 'cak4w-periode'). */
    bedrag: cents,
  })
  .strict()
  .refine((t) => t.einddatum === undefined || t.einddatum >= t.ingangsdatum, {
    message: 'einddatum must not be before ingangsdatum',
    path: ['einddatum'],
  });
export type Tarief = z.infer<typeof tarief>;

export const contractProduct = z
  .object({
    categorie,
    code: z.string().regex(/^[A-Za-z0-9]{1,5}$/, 'ProductCode is 1–5 letters or digits'),
    omschrijving: z.string().min(1),
    eenheid,
    frequentie,
    tarieven: z.array(tarief).min(1, 'needs at least one tariff'),
  })
  .strict()
  .superRefine((p, ctx) => {
    // Tariffs in date order without overlap: on any date at most one tariff applies (TR418).
    const sorted = [...p.tarieven].sort((a, b) => (a.ingangsdatum < b.ingangsdatum ? -1 : 1));
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1] as Tarief;
      const cur = sorted[i] as Tarief;
      if (prev.einddatum === undefined || prev.einddatum >= cur.ingangsdatum) {
        ctx.addIssue({
          code: 'custom',
          path: ['tarieven'],
          message: `tariffs from ${prev.ingangsdatum} and ${cur.ingangsdatum} overlap`,
        });
      }
    }
  });
export type ContractProduct = z.infer<typeof contractProduct>;

/**
 * 'eenheid': amount = volume × tariff per eenheid (iWmo 3.2, TR346/TR418).
 * 'cak4w-periode': a tariff per CAK 4-week period, billed whole for a period with any care and split over
 * the months by days (the 2019 seed protocol; docs/claims.md). Lines are in euro's (eenheid 83).
 */
export const contractBasis = z.enum(['eenheid', 'cak4w-periode']);
export type ContractBasis = z.infer<typeof contractBasis>;

export const contract = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'must be lowercase letters, digits, dots and dashes'),
    aanbieder: agbCode,
    gemeente: gemeenteCode,
    /** Where the products and tariffs come from (contract, protocol, tariff list). */
    source: z.string().min(1),
    basis: contractBasis,
    producten: z.array(contractProduct).min(1, 'needs at least one product'),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.producten.forEach((p, i) => {
      const key = `${p.categorie}/${p.code}/${p.eenheid}`;
      if (seen.has(key))
        ctx.addIssue({ code: 'custom', path: ['producten', i], message: `duplicate product ${key}` });
      seen.add(key);
      if (c.basis === 'cak4w-periode' && p.eenheid !== '83') {
        ctx.addIssue({
          code: 'custom',
          path: ['producten', i, 'eenheid'],
          message: "basis 'cak4w-periode' bills period amounts in euro's: eenheid must be '83'",
        });
      }
    });
  });
export type Contract = z.infer<typeof contract>;

/** A contract file broke a rule; the message names the file and the field. */
export class ContractError extends Error {
  override readonly name = 'ContractError';
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

/** Validates one contract; throws ContractError naming `sourceName` and each bad field. */
export function parseContract(data: unknown, sourceName: string): Contract {
  const parsed = contract.safeParse(data);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const path = formatPath(issue.path);
    return `${sourceName}: ${path ? `${path}: ` : ''}${issue.message}`;
  });
  throw new ContractError(lines.join('\n'));
}
