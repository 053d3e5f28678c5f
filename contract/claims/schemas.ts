import { z } from 'zod';
import { isoDate } from '../../calendar/schemas';
import { eenheid } from '../../declaratie/schemas';
import { berichtSchemas } from '../../iwmo/messages';
import type { ClaimLine, ClaimLinesHandOver, CorrectionConfirmed } from './index';

/*
 * zod schemas of what callers hand the claims batch: claim lines (assignment hand-over activity),
 * confirmed corrections (API) and a routed 325 (inbox router). Senders validate with these before they
 * signal; the workflow checks the same shapes without zod (workflows/claims/shapes.ts), so this file
 * stays out of the workflow bundle.
 */

const referentie = z
  .string()
  .regex(/^[A-Za-z0-9]{1,20}$/, 'ReferentieNummer: 1–20 letters or digits (TR314)');
const cents = z.number().int('must be whole cents').min(0);

export const claimLine = z
  .object({
    referentieNummer: referentie,
    toewijzingNummer: z.number().int().min(0).max(999_999_999),
    clientRef: z.string().min(1).max(300),
    toewijzingMessageId: z.string().min(1).max(300),
    categorie: z.string().regex(/^[0-9]{2}$/, 'ProductCategorie is 2 digits (WMO020)'),
    code: z.string().regex(/^[A-Za-z0-9]{1,5}$/, 'ProductCode is 1–5 letters or digits'),
    productPeriode: z.object({ begindatum: isoDate, einddatum: isoDate }),
    volume: z.number().int(),
    eenheid,
    tarief: cents.optional(),
    bedrag: cents,
    debetCredit: z.enum(['D', 'C']),
    vorigReferentieNummer: referentie.optional(),
    correctie: z.boolean().optional(),
  })
  .strict()
  .refine((l) => (l.debetCredit === 'C') === (l.vorigReferentieNummer !== undefined), {
    message: 'CD060: a credit names the line it credits, a debit does not',
  }) satisfies z.ZodType<ClaimLine>;

export const claimLinesHandOver = z
  .object({
    assignmentWorkflowId: z.string().min(1).max(300),
    handOverKey: z.string().min(1).max(300),
    lines: z.array(claimLine).min(1, 'a hand-over needs at least one line').max(10_000),
  })
  .strict() satisfies z.ZodType<ClaimLinesHandOver>;

export const correctionConfirmed = z
  .object({
    correctionId: z.string().min(1).max(300),
    assignmentWorkflowId: z.string().min(1).max(300),
    lines: z.array(claimLine).min(1).max(100),
  })
  .strict() satisfies z.ZodType<CorrectionConfirmed>;

/** A routed 325, pseudonymised (no Bsn field: `clientRef`); the content is checked by the batch (reconcile325). */
export const antwoordReceived = z.object({
  inboxMessageId: z.string().min(1).max(300),
  ontvangen: isoDate,
  antwoord: z.object({ Header: z.object({}).passthrough(), DeclaratieAntwoord: z.unknown().optional() }),
});

/** The 325 as iwmo/ decodes it (with real BSNs): the router checks this before pseudonymising. */
export const decoded325 = berichtSchemas.WMO325;
