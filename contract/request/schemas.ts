import { z } from 'zod';
import { isoDate } from '../../calendar/schemas';
import { referentieProblem } from '../../iwmo/referentie';
import type {
  RequestAntwoord,
  RequestedProduct,
  RequestHonoured,
  RequestRetour,
  ResendEvent,
} from './contract';

/*
 * zod schemas of what callers hand the request workflow: the resend (API), the answers (inbox router).
 * Each is held to the contract's plain type by `satisfies`, and to the workflow's zod-free checks
 * (shapes.ts) by a unit test. The workflow never imports this file. The request document itself
 * (POST /v1/requests) is iwmo/request-builder.ts's `VerzoekJson`, checked by that builder.
 */

const referentieAanbieder = z.string().superRefine((v, ctx) => {
  const problem = referentieProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const toewijzingNummer = z.number().int().min(0).max(999_999_999);
const messageId = z.string().min(1).max(200);

export const requestedProduct = z
  .object({ categorie: z.string().regex(/^[0-9]{2}$/), code: z.string().min(1).max(5).optional() })
  .strict() satisfies z.ZodType<RequestedProduct>;

export const requestRetour = z.object({
  messageId,
  messageType: z.enum(['WMO316', 'WMO318']),
  heenIdentificatie: z.string().min(1).max(12),
  retourCodes: z.array(z.string().length(4)).max(100),
  ontvangen: isoDate,
}) satisfies z.ZodType<RequestRetour>;

export const requestAntwoord = z.object({
  messageId,
  verzoekAntwoord: z.enum(['1', '2']),
  redenAfwijzingVerzoek: z
    .string()
    .regex(/^[1-9]$/)
    .optional(),
  ontvangen: isoDate,
}) satisfies z.ZodType<RequestAntwoord>;

export const requestHonoured = z.object({
  messageId,
  toewijzingen: z
    .array(z.object({ toewijzingNummer, assignmentWorkflowId: z.string().min(1).max(200) }))
    .min(1)
    .max(500),
  ontvangen: isoDate,
}) satisfies z.ZodType<RequestHonoured>;

export const resendEvent = z
  .object({
    eventId: z.string().min(1).max(100),
    payloadRef: z.string().min(1).max(200),
    product: requestedProduct.optional(),
    ingangsdatum: isoDate.optional(),
    toewijzingNummers: z.array(toewijzingNummer).min(1).max(500).optional(),
  })
  .strict() satisfies z.ZodType<ResendEvent>;

export { referentieAanbieder };
