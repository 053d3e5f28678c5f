import { z } from '@hono/zod-openapi';
import { agbCode, gemeenteCode } from '../iwmo/identifier-schemas';
import { referentieProblem } from '../iwmo/referentie';

/*
 * OpenAPI schemas of /v1/requests. The request document itself (the 315/317 as JSON, personal data
 * included) is checked field by field by iwmo/buildVerzoek, which names every rule it breaks; here only
 * its envelope: soort, aanbieder, gemeente — what scoping needs before anything is read.
 */

export const eventIdSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._:-]+$/, 'eventId: letters, digits and . _ : - only')
  .openapi({ description: 'Your key for this call: the same eventId again returns the first answer.' });

export const verzoekSchema = z
  .looseObject({ soort: z.enum(['315', '317']), aanbieder: agbCode, gemeente: gemeenteCode })
  .openapi('VerzoekJson', {
    description:
      "A 315 { soort: '315', aanbieder, gemeente, client, producten } or a 317 { soort: '317', aanbieder, " +
      'gemeente, client: { Bsn }, verzoek } in the element names of the iWmo 3.2 message; checked by the ' +
      'standard’s rules (TR347, TR349–TR351, TR357, …).',
  });

export const requestPostSchema = z.object({ eventId: eventIdSchema, verzoek: verzoekSchema }).strict();

export const requestParams = z.object({
  aanbieder: agbCode.clone().openapi({ param: { name: 'aanbieder', in: 'path' }, example: '42420001' }),
  referentie: z
    .string()
    .min(1)
    .max(36)
    .superRefine((v, ctx) => {
      const problem = referentieProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .openapi({ param: { name: 'referentie', in: 'path' }, example: 'REQ-2026-001' }),
});

export const requestStatus = z.enum([
  'nieuw',
  'ingediend',
  'ontvangen',
  'afgekeurd',
  'in-onderzoek',
  'gehonoreerd',
  'afgewezen',
]);

export const requestStartedSchema = z
  .object({
    eventId: z.string(),
    soort: z.enum(['315', '317']),
    workflowIds: z.array(z.string()),
    duplicate: z.boolean(),
  })
  .openapi('RequestStarted');

export const requestSummarySchema = z
  .object({
    workflowId: z.string(),
    kind: z.enum(['315', '317']),
    aanbieder: z.string(),
    gemeente: z.string(),
    referentieAanbieder: z.string(),
    status: z.string(),
    overdue: z.boolean(),
    nextDeadline: z.string().nullable(),
    profile: z.string(),
    assignmentWorkflowIds: z.array(z.string()),
    updatedAt: z.string(),
  })
  .openapi('RequestSummary');

export const requestPageSchema = z
  .object({ items: z.array(requestSummarySchema), nextCursor: z.string().nullable() })
  .openapi('RequestPage');

/** The workflow's `state` query (contract/request RequestState), passed on as it is. */
export const requestStateSchema = z
  .looseObject({
    workflowId: z.string(),
    kind: z.enum(['315', '317']),
    status: requestStatus,
    aanbieder: z.string(),
    gemeente: z.string(),
    referentieAanbieder: z.string(),
    toewijzingen: z.array(
      z.object({ toewijzingNummer: z.number(), assignmentWorkflowId: z.string(), messageId: z.string() }),
    ),
    overdue: z.boolean(),
  })
  .openapi('RequestState');

export const resendResultSchema = z
  .object({ eventId: z.string(), accepted: z.literal(true), messages: z.array(z.string()) })
  .openapi('RequestResendResult');
