import { createRoute, z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import { stateQuery } from '../contract/assignment';
import {
  type AssignmentClaimsState,
  confirmCorrectionUpdate,
  recordPaymentUpdate,
  reviseAwardedLineUpdate,
} from '../contract/assignment/claims';
import { type AssignmentRef, scopedAssignment } from './assignment-access';
import { assignmentClaimsStateSchema, assignmentParams } from './assignment-schemas';
import type { Principal } from './auth';
import {
  confirmCorrectionSchema,
  correctionIdParam,
  type paymentEventSchema,
  paymentEventSchema as paymentSchema,
  referentieNummerParam,
  reviseAwardedLineSchema,
  updateProblem,
} from './claim-schemas';
import { jsonBody } from './hygiene';
import { bearerSecurity, createRouter, errorResponses, jsonContent } from './router';

/*
 * /v1/assignments/{gemeente}/{nummer}/claims: the assignment's own claim lines, corrections, settlement
 * and payments (the `claims` part of its `state` query, contract/assignment/claims.ts), a person's
 * decision on a proposed correction and a received payment, both as workflow Updates answered like
 * start/stop: 202 with the result, or a problem naming the rule (409 conflicts with the state, 422
 * breaks a rule by itself). The eventId is the Update id: a retried request gets the first answer.
 */

export interface AssignmentClaimRouteDeps {
  temporal: Client;
}

const tags = ['claims'];
const updateErrors = errorResponses(401, 404, 409, 413, 415, 422, 429, 503);

const claimsSchema = z
  .object({
    workflowId: z.string(),
    claims: assignmentClaimsStateSchema.nullable().openapi({
      description: 'lines, findings, corrections, settlement; null on a run that claims no lines',
    }),
  })
  .openapi('AssignmentClaims');

const claimsRoute = createRoute({
  operationId: 'getAssignmentClaims',
  method: 'get',
  path: '/{gemeente}/{nummer}/claims',
  tags,
  summary: 'One assignment’s claim lines, findings, correction proposals, settlement and payments',
  security: bearerSecurity,
  request: { params: assignmentParams },
  responses: {
    200: jsonContent(claimsSchema, 'the `claims` part of its state'),
    ...errorResponses(401, 404, 422, 429),
  },
});

const correctionRoute = createRoute({
  operationId: 'confirmClaimCorrection',
  method: 'post',
  path: '/{gemeente}/{nummer}/claims/corrections/{correctionId}',
  tags,
  summary: 'Confirm (optionally edited) or give up a proposed correction of a claim line',
  description:
    'besluit bevestigen hands the corrected line(s) to the next 323 (a resubmission, or credit + new debit ' +
    'in a later message: TR316/IV091); opgeven gives the line up for good. Refused with the rule it breaks.',
  security: bearerSecurity,
  middleware: [jsonBody()] as const,
  request: {
    params: assignmentParams.extend({ correctionId: correctionIdParam }),
    body: { required: true, content: { 'application/json': { schema: confirmCorrectionSchema } } },
  },
  responses: {
    202: jsonContent(
      z.object({ accepted: z.literal(true), correctionId: z.string(), status: z.string() }),
      'the proposal’s new status',
    ),
    ...updateErrors,
  },
});

const reviseRoute = createRoute({
  operationId: 'reviseAwardedClaimLine',
  method: 'post',
  path: '/{gemeente}/{nummer}/claims/lines/{referentieNummer}/revise',
  tags,
  summary: 'An awarded line was wrong: propose its credit and a new debit with the right volume/period',
  description:
    'Proposes a credit of the awarded debit (VorigReferentieNummer, same volume and amount: IV091) and a ' +
    'new debit with this volume (0: credit only) at the contract tariff; confirm the proposal through ' +
    '`…/claims/corrections/{correctionId}` and both go into a later 323 than the original (TR316).',
  security: bearerSecurity,
  middleware: [jsonBody()] as const,
  request: {
    params: assignmentParams.extend({ referentieNummer: referentieNummerParam }),
    body: { required: true, content: { 'application/json': { schema: reviseAwardedLineSchema } } },
  },
  responses: {
    202: jsonContent(
      z.object({ accepted: z.literal(true), correctionId: z.string() }),
      'the proposal to confirm',
    ),
    ...updateErrors,
  },
});

const paymentRoute = createRoute({
  operationId: 'recordAssignmentPayment',
  method: 'post',
  path: '/{gemeente}/{nummer}/claims/payments',
  tags,
  summary: 'A payment received for this assignment’s settlement (cents)',
  security: bearerSecurity,
  middleware: [jsonBody()] as const,
  request: {
    params: assignmentParams,
    body: { required: true, content: { 'application/json': { schema: paymentSchema } } },
  },
  responses: {
    202: jsonContent(
      z.object({ accepted: z.literal(true), status: z.string(), betaald: z.number().int() }),
      'the settlement’s payment status and the sum paid so far',
    ),
    ...updateErrors,
  },
});

/** Applies one payment to one assignment; shared with the payment file (api/claims.ts). */
export async function applyPayment(
  temporal: Client,
  principal: Principal,
  ref: AssignmentRef,
  payment: z.infer<typeof paymentEventSchema>,
) {
  const handle = await scopedAssignment(temporal, principal, ref, { running: true });
  try {
    return await handle.executeUpdate(recordPaymentUpdate, { args: [payment], updateId: payment.eventId });
  } catch (err) {
    throw updateProblem(err) ?? err;
  }
}

export function assignmentClaimRoutes(deps: AssignmentClaimRouteDeps) {
  return createRouter()
    .openapi(claimsRoute, async (c) => {
      const handle = await scopedAssignment(deps.temporal, c.get('principal'), c.req.valid('param'));
      // Until the assignment keeps claims (or for one started before), the query has no `claims`.
      const state = (await handle.query(stateQuery)) as {
        workflowId: string;
        claims?: AssignmentClaimsState;
      };
      return c.json(
        {
          workflowId: state.workflowId,
          claims: state.claims ?? null,
        },
        200,
      );
    })
    .openapi(correctionRoute, async (c) => {
      const { correctionId, ...ref } = c.req.valid('param');
      const event = { ...c.req.valid('json'), correctionId };
      const handle = await scopedAssignment(deps.temporal, c.get('principal'), ref, { running: true });
      try {
        const result = await handle.executeUpdate(confirmCorrectionUpdate, {
          args: [event],
          updateId: event.eventId,
        });
        return c.json(result, 202);
      } catch (err) {
        throw updateProblem(err) ?? err;
      }
    })
    .openapi(reviseRoute, async (c) => {
      const { referentieNummer, ...ref } = c.req.valid('param');
      const event = { ...c.req.valid('json'), referentieNummer };
      const handle = await scopedAssignment(deps.temporal, c.get('principal'), ref, { running: true });
      try {
        const result = await handle.executeUpdate(reviseAwardedLineUpdate, {
          args: [event],
          updateId: event.eventId,
        });
        return c.json(result, 202);
      } catch (err) {
        throw updateProblem(err) ?? err;
      }
    })
    .openapi(paymentRoute, async (c) => {
      const result = await applyPayment(
        deps.temporal,
        c.get('principal'),
        c.req.valid('param'),
        c.req.valid('json'),
      );
      return c.json(result, 202);
    });
}
