import { createRoute, z } from '@hono/zod-openapi';
import {
  ApplicationFailure,
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { amsterdamDateOf } from '../calendar/amsterdam';
import type { ProfileRegistry } from '../calendar/profile';
import {
  type RequestInput,
  requestRefusedType,
  requestWorkflowId,
  requestWorkflowType,
  resendUpdate,
  stateQuery,
} from '../contract/request/contract';
import { WmoAanbieder, WmoGemeente } from '../contract/search-attributes';
import type { DatabaseHandle } from '../db';
import { deleteUnusedRequestDocument, listRequests, type RequestRow } from '../db/queries/requests';
import type { VerzoekJson } from '../iwmo';
import { mayAccess, type Principal } from './auth';
import { booleanParam, cursorParam, decodeCursor, encodeCursor } from './cursor';
import { jsonBody } from './hygiene';
import { type ProblemError, problem, problemTypes } from './problem';
import {
  eventIdSchema,
  requestPageSchema,
  requestParams,
  requestPostSchema,
  requestStartedSchema,
  requestStateSchema,
  requestStatus,
  resendResultSchema,
  verzoekSchema,
} from './request-schemas';
import { referentiesOf, requestPartsOf, submitRequest } from './request-submit';
import { bearerSecurity, createRouter, errorResponses, jsonContent } from './router';

/*
 * /v1/requests (issue 16): the provider's 315/317 as JSON, checked by the standard's rules, stored, and
 * one request workflow started per product (315) or per request (317); one request's live state; the
 * list from the read model; the edit-and-resend after a rejecting 316/318 as the workflow's `resend`
 * Update. Tenant-scoped: only a key for the request's aanbieder sends or resends; the gemeente may read.
 * Idempotent by eventId: the same eventId again answers as the first time and stores and sends nothing.
 */

export interface RequestRouteDeps {
  temporal: Client;
  taskQueue: string;
  database: DatabaseHandle;
  profiles: ProfileRegistry;
  /** BSN → clientRef (security/client-ref.ts): the workflow gets this, never the BSN. */
  clientRef: (bsn: string) => string;
  today?: () => string;
}

const tags = ['requests'];
const notFoundDetail = 'no request with this aanbieder and ReferentieAanbieder for your key';

const postRoute = createRoute({
  operationId: 'submitRequest',
  method: 'post',
  path: '/',
  tags,
  summary: 'Send a verzoek om toewijzing (315) or verzoek om wijziging (317)',
  description:
    'Refused with 422 naming each rule it breaks: TR347 (ReferentieAanbieder used before), TR349–TR351 ' +
    '(a 317 lists every current toewijzing, and only those), TR357, the message schema, …',
  security: bearerSecurity,
  middleware: [jsonBody()] as const,
  request: { body: { required: true, content: { 'application/json': { schema: requestPostSchema } } } },
  responses: {
    202: jsonContent(requestStartedSchema, 'accepted: the request workflows it started'),
    ...errorResponses(401, 403, 413, 415, 422, 429),
  },
});

const stateRoute = createRoute({
  operationId: 'getRequest',
  method: 'get',
  path: '/{aanbieder}/{referentie}',
  tags,
  summary: 'One request’s live state: versions sent, answers, deadlines, the assignments it led to',
  security: bearerSecurity,
  request: { params: requestParams },
  responses: {
    200: jsonContent(requestStateSchema, 'the workflow’s `state` query'),
    ...errorResponses(401, 404, 422, 429),
  },
});

const listRoute = createRoute({
  operationId: 'listRequests',
  method: 'get',
  path: '/',
  tags,
  summary: 'Your requests from the read model, by workflow id',
  security: bearerSecurity,
  request: {
    query: z.object({
      status: requestStatus.optional(),
      overdue: booleanParam.openapi({ description: 'an open deadline’s last day is before today' }),
      limit: z.coerce.number().int().min(1).max(100).default(50),
      cursor: cursorParam(z.tuple([z.string().min(1).max(120)])),
    }),
  },
  responses: {
    200: jsonContent(requestPageSchema, 'one page of requests'),
    ...errorResponses(401, 422, 429),
  },
});

const resendRoute = createRoute({
  operationId: 'resendRequest',
  method: 'post',
  path: '/{aanbieder}/{referentie}/resend',
  tags,
  summary: 'Resend a corrected request after a 316/318 with retour codes',
  description:
    'The corrected 315/317 as JSON (same soort, this ReferentieAanbieder among its referenties). Refused ' +
    'with the rule: TR374 (409, still pending), TR347 (409, closed), Ongewijzigd, Soort, or the standard’s rules (422).',
  security: bearerSecurity,
  middleware: [jsonBody()] as const,
  request: {
    params: requestParams,
    body: {
      required: true,
      content: {
        'application/json': { schema: z.object({ eventId: eventIdSchema, verzoek: verzoekSchema }).strict() },
      },
    },
  },
  responses: {
    202: jsonContent(resendResultSchema, 'accepted: the message it made owed'),
    ...errorResponses(401, 403, 404, 409, 413, 415, 422, 429, 503),
  },
});

function mustSendFor(principal: Principal, aanbieder: string): void {
  if (!principal.aanbieders.includes(aanbieder))
    throw problem(403, 'your key does not act for this aanbieder', { rule: 'AANBIEDER-SCOPE' });
}

/** The request's workflow handle when the caller acts for its aanbieder or gemeente; 404 otherwise. */
async function scopedRequest(temporal: Client, principal: Principal, aanbieder: string, referentie: string) {
  const handle = temporal.workflow.getHandle(requestWorkflowId(aanbieder, referentie));
  const description = await handle.describe().catch((err: unknown) => {
    if (err instanceof WorkflowNotFoundError) throw problem(404, notFoundDetail);
    throw err;
  });
  const gemeente = description.typedSearchAttributes.get(WmoGemeente);
  const visible =
    description.type === requestWorkflowType &&
    mayAccess(principal, { aanbieder, ...(gemeente ? { gemeente } : {}) });
  if (!visible) throw problem(404, notFoundDetail);
  return { handle, running: description.status.name === 'RUNNING' };
}

const conflictRules = new Set(['TR374', 'TR347', 'Ongewijzigd']);

function resendProblem(err: unknown): ProblemError | undefined {
  if (err instanceof WorkflowNotFoundError)
    return problem(409, 'this request is closed', { type: problemTypes.rule, rule: 'TR347' });
  if (!(err instanceof WorkflowUpdateFailedError)) return undefined;
  const cause = err.cause;
  if (!(cause instanceof ApplicationFailure) || cause.type !== requestRefusedType) return undefined;
  const details = cause.details?.[0] as { rule?: string; retourCode?: string } | undefined;
  const rule = details?.rule ?? cause.message.split(':')[0] ?? 'RequestRefused';
  return problem(conflictRules.has(rule) ? 409 : 422, cause.message, {
    type: problemTypes.rule,
    rule,
    findings: [
      {
        rule,
        path: 'body',
        message: cause.message,
        ...(details?.retourCode ? { retourCode: details.retourCode } : {}),
      },
    ],
  });
}

function present(r: RequestRow, today: string) {
  return {
    workflowId: r.workflowId,
    kind: r.kind,
    aanbieder: r.aanbieder,
    gemeente: r.gemeente,
    referentieAanbieder: r.referentieAanbieder,
    status: r.status,
    overdue: r.nextDeadline !== null && r.nextDeadline < today,
    nextDeadline: r.nextDeadline,
    profile: r.profile,
    assignmentWorkflowIds: r.assignmentWorkflowIds,
    updatedAt: r.updatedAt.toISOString(),
  };
}

export function requestRoutes(deps: RequestRouteDeps) {
  const today = deps.today ?? (() => amsterdamDateOf(new Date()));
  const submitDeps = { ...deps, db: deps.database.db };

  async function start(json: VerzoekJson, payloadRef: string): Promise<string[]> {
    const profile = deps.profiles.profileFor(json.gemeente);
    const clientRef = deps.clientRef(String((json.client as { Bsn?: unknown }).Bsn));
    const ids: string[] = [];
    for (const [referentie, part] of requestPartsOf(json)) {
      const workflowId = requestWorkflowId(json.aanbieder, referentie);
      const input: RequestInput = {
        kind: json.soort,
        aanbieder: json.aanbieder,
        gemeente: json.gemeente,
        referentieAanbieder: referentie,
        clientRef,
        payloadRef,
        ...part,
        profile,
      };
      try {
        await deps.temporal.workflow.start(requestWorkflowType, {
          workflowId,
          taskQueue: deps.taskQueue,
          args: [input],
          // TR347: a ReferentieAanbieder is used once, even after its request closed.
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          typedSearchAttributes: [
            { key: WmoGemeente, value: json.gemeente },
            { key: WmoAanbieder, value: json.aanbieder },
          ],
        });
      } catch (err) {
        // A retry of this same call (same eventId) finds its workflows started: that is the first answer.
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      ids.push(workflowId);
    }
    return ids;
  }

  return createRouter()
    .openapi(postRoute, async (c) => {
      const { eventId, verzoek } = c.req.valid('json');
      mustSendFor(c.get('principal'), verzoek.aanbieder);
      const submitted = await submitRequest(submitDeps, { eventId, verzoek, today: today() });
      const workflowIds = await start(submitted.json, submitted.document.id);
      return c.json(
        { eventId, soort: submitted.json.soort, workflowIds, duplicate: submitted.duplicate },
        202,
      );
    })
    .openapi(stateRoute, async (c) => {
      const { aanbieder, referentie } = c.req.valid('param');
      const { handle } = await scopedRequest(deps.temporal, c.get('principal'), aanbieder, referentie);
      return c.json(await handle.query(stateQuery), 200);
    })
    .openapi(listRoute, async (c) => {
      const { limit, cursor, ...filter } = c.req.valid('query');
      const at = cursor ? decodeCursor(z.tuple([z.string().min(1).max(120)]), cursor) : undefined;
      const day = today();
      const page = await listRequests(deps.database.db, c.get('principal'), filter, {
        limit,
        today: day,
        ...(at ? { after: at[0] } : {}),
      });
      const nextCursor = page.next ? encodeCursor([page.next]) : null;
      return c.json({ items: page.items.map((r) => present(r, day)), nextCursor }, 200);
    })
    .openapi(resendRoute, async (c) => {
      const { aanbieder, referentie } = c.req.valid('param');
      const { eventId, verzoek } = c.req.valid('json');
      const principal = c.get('principal');
      mustSendFor(principal, aanbieder);
      const { handle } = await scopedRequest(deps.temporal, principal, aanbieder, referentie);
      const json = verzoek as unknown as VerzoekJson;
      if (
        json.aanbieder !== aanbieder ||
        !Array.isArray(json.soort === '315' ? json.producten : [json.verzoek])
      )
        throw problem(422, 'the corrected request is for another aanbieder', { rule: 'Soort' });
      const refs = (() => {
        try {
          return referentiesOf(json);
        } catch {
          return [];
        }
      })();
      if (!refs.includes(referentie))
        throw problem(422, 'the corrected request must carry this ReferentieAanbieder', {
          type: problemTypes.rule,
          rule: 'ReferentieAanbieder',
        });
      const submitted = await submitRequest(submitDeps, {
        eventId,
        verzoek,
        today: today(),
        ownReferenties: refs,
      });
      const part = requestPartsOf(submitted.json).get(referentie) ?? {};
      try {
        const result = await handle.executeUpdate(resendUpdate, {
          args: [{ eventId, payloadRef: submitted.document.id, ...part }],
          updateId: eventId,
        });
        return c.json(result, 202);
      } catch (err) {
        const refusal = resendProblem(err);
        // The document this call stored has no use when the workflow refuses it: its personal data goes.
        // One an earlier call stored (same eventId) may be what another workflow of the 315 accepted.
        // Failing to delete must not turn the refusal into a 500 (the document then stays behind).
        if (refusal && !submitted.duplicate)
          await deleteUnusedRequestDocument(deps.database.db, submitted.document.id).catch(() => false);
        throw refusal ?? err;
      }
    });
}
