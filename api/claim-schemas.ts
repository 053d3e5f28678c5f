import { z } from '@hono/zod-openapi';
import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { eventProblem } from './assignment-access';
import { type ProblemError, problem, problemTypes } from './problem';
import { safeText } from './text';

/*
 * Schemas and problem mapping shared by the claims routes (api/claims.ts, api/assignment-claims.ts).
 * Amounts are whole cents; every string is safeText; ids are held to the characters they are made of.
 */

export const maandParam = z
  .string()
  .regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/, 'maand is YYYY-MM (a calendar month, CS340)')
  .openapi({ example: '2026-11' });

export const isoDay = z
  .string()
  .regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, 'a date YYYY-MM-DD')
  .refine(
    (d) =>
      !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    'not a real date',
  );

/** A payment's eventId: it becomes the Update id and a database key, so only plain characters. */
export const paymentEventId = safeText(100).regex(
  /^[A-Za-z0-9._:-]{1,100}$/,
  'eventId: 1–100 letters, digits, . _ : -',
);

export const kenmerk = safeText(35).regex(
  /^[A-Za-z0-9]{1,35}$/,
  'kenmerk: 1–35 letters or digits (no personal data)',
);

export const paymentEventSchema = z
  .object({
    eventId: paymentEventId,
    betaaldatum: isoDay,
    bedrag: z.number().int('bedrag is whole cents').min(1, 'bedrag is more than 0 cents').max(99_999_999_999),
    kenmerk: kenmerk.optional(),
  })
  .strict()
  .openapi('PaymentEvent', {
    example: {
      eventId: 'bank-2026-12-10-0001',
      betaaldatum: '2026-12-10',
      bedrag: 22360,
      kenmerk: 'BET20261210A',
    },
  });

const periode = z.object({ begindatum: isoDay, einddatum: isoDay }).strict();

export const confirmCorrectionSchema = z
  .object({
    eventId: safeText(100).min(1),
    besluit: z.enum(['bevestigen', 'opgeven']),
    wijziging: z
      .object({
        volume: z.number().int().min(0).max(99_999_999).optional(),
        productPeriode: periode.optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((e) => e.besluit === 'bevestigen' || e.wijziging === undefined, {
    message: 'a wijziging goes only with besluit bevestigen',
    path: ['wijziging'],
  })
  .openapi('ConfirmCorrection', { example: { eventId: 'corr-0042', besluit: 'bevestigen' } });

/** An awarded line's ReferentieNummer, as the claims state lists it (TR314: letters and digits). */
export const referentieNummerParam = z
  .string()
  .regex(/^[A-Za-z0-9]{1,20}$/, 'referentieNummer is 1–20 letters or digits (TR314)')
  .openapi({ param: { name: 'referentieNummer', in: 'path' }, example: '0384202611A1' });

export const reviseAwardedLineSchema = z
  .object({
    eventId: safeText(100).min(1),
    volume: z.number().int('volume is whole units').min(0).max(99_999_999),
    productPeriode: periode.optional(),
  })
  .strict()
  .openapi('ReviseAwardedLine', {
    example: { eventId: 'rev-0042', volume: 12 },
    description: 'the corrected volume of the new debit (0: credit only) and optionally its period',
  });

/** `{referentieNummer}:{n}` (contract/assignment/claims.ts CorrectionProposal.correctionId). */
export const correctionIdParam = z
  .string()
  .regex(/^[A-Za-z0-9]{1,20}:[0-9]{1,6}$/, 'correctionId is {ReferentieNummer}:{n}')
  .openapi({ param: { name: 'correctionId', in: 'path' }, example: '0384202611A1:1' });

/**
 * An Update's failure as a problem: the assignment's own refusals as for start/stop (409/422 naming the
 * rule); any other failure of the update (a worker without the handler yet, a validator's plain error)
 * as 409 naming what refused it, never a 500 the caller cannot act on.
 */
export function updateProblem(err: unknown): ProblemError | undefined {
  const known = eventProblem(err);
  if (known || !(err instanceof WorkflowUpdateFailedError)) return known;
  const cause = err.cause;
  // An assignment whose worker does not know the update yet (started before claims existed).
  const missing = /no registered handler/i.test(cause?.message ?? '');
  const typed = cause instanceof ApplicationFailure && cause.type ? cause.type : 'UPDATE-REFUSED';
  const rule = missing ? 'CLAIMS-NOT-AVAILABLE' : typed;
  const message = (cause?.message ?? 'the update was refused').slice(0, 300);
  return problem(409, `${rule}: ${message}`, {
    type: problemTypes.rule,
    rule,
    findings: [{ rule, path: 'body', message }],
  });
}

export const notFound = (err: unknown) => err instanceof WorkflowNotFoundError;
