import { createRoute, z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import { amsterdamDateOf } from '../calendar/amsterdam';
import {
  correctionUpdate,
  type EventResult,
  startUpdate,
  stateQuery,
  stopUpdate,
} from '../contract/assignment';
import type { DatabaseHandle } from '../db';
import { type AssignmentPosition, type AssignmentRow, listAssignments } from '../db/queries/assignments';
import { agbCode, gemeenteCode } from '../iwmo/identifier-schemas';
import { type AssignmentRef, eventProblem, scopedAssignment } from './assignment-access';
import {
  assignmentPageSchema,
  assignmentParams,
  assignmentStateSchema,
  assignmentStatus,
  type assignmentSummarySchema,
  correctionEventSchema,
  eventResultSchema,
  startEventSchema,
  stopEventSchema,
} from './assignment-schemas';
import type { Principal } from './auth';
import { booleanParam, cursorParam, decodeCursor, encodeCursor, positionInt } from './cursor';
import { jsonBody } from './hygiene';
import { bearerSecurity, createRouter, errorResponses, jsonContent } from './router';

/*
 * /v1/assignments: the provider system's lifecycle events (start, stop, corrections) as workflow
 * Updates, one assignment's live state (the `state` query), and the list from the read model.
 * An event is answered once the workflow accepted or refused it: 202 with what it made owed, or a
 * problem naming the rule (409 conflicts with the assignment's state, 422 breaks a rule by itself).
 * The caller's eventId is the update id, so a retried request gets the first answer, never a second 305.
 */

export interface AssignmentRouteDeps {
  temporal: Client;
  database: DatabaseHandle;
  /** Today in Europe/Amsterdam, for `overdue`; default from the clock. */
  today?: () => string;
}

const tags = ['assignments'];
const eventErrors = errorResponses(401, 404, 409, 413, 415, 422, 429, 503);

function eventRoute<S extends z.ZodType>(
  operationId: string,
  segment: string,
  schema: S,
  summary: string,
  description: string,
) {
  return createRoute({
    operationId,
    method: 'post',
    path: `/{gemeente}/{nummer}/${segment}`,
    tags,
    summary,
    description,
    security: bearerSecurity,
    middleware: [jsonBody()] as const,
    request: {
      params: assignmentParams,
      body: { required: true, content: { 'application/json': { schema } } },
    },
    responses: { 202: jsonContent(eventResultSchema, 'accepted: what the event made owed'), ...eventErrors },
  });
}

const startRoute = eventRoute(
  'startAssignmentCare',
  'start',
  startEventSchema,
  'Start of care (→ WMO305)',
  'Refused with the rule it breaks: TR019 (outside the toewijzing), TR326 (a start is still running), ' +
    'a Begindatum after today, …',
);
const stopRoute = eventRoute(
  'stopAssignmentCare',
  'stop',
  stopEventSchema,
  'Stop of care (→ WMO307); RedenBeeindiging 20 is a temporary stop',
  'Refused with the rule it breaks: TR382 (no start), TR018 (before the start), TR413–TR415 (after a stop), …',
);
const correctionRoute = eventRoute(
  'correctAssignmentDelivery',
  'corrections',
  correctionEventSchema,
  'Delete an earlier start or stop (StatusAanlevering 3), optionally with its replacement',
  'StatusAanlevering 2 is refused (CS058): delete with 3 and deliver again. TR063: nothing to delete.',
);

const stateRoute = createRoute({
  operationId: 'getAssignment',
  method: 'get',
  path: '/{gemeente}/{nummer}',
  tags,
  summary: 'One assignment’s live state: toewijzing versions, deliveries, deadlines, messages, escalations',
  security: bearerSecurity,
  request: { params: assignmentParams },
  responses: {
    200: jsonContent(assignmentStateSchema, 'the workflow’s `state` query'),
    ...errorResponses(401, 404, 422, 429),
  },
});

const positionSchema = z.tuple([gemeenteCode, positionInt]);

const listRoute = createRoute({
  operationId: 'listAssignments',
  method: 'get',
  path: '/',
  tags,
  summary: 'Your assignments from the read model, by gemeente and ToewijzingNummer',
  security: bearerSecurity,
  request: {
    query: z.object({
      status: assignmentStatus.optional(),
      overdue: booleanParam.openapi({ description: 'an open deadline’s last day is before today' }),
      gemeente: gemeenteCode.optional(),
      aanbieder: agbCode.optional(),
      limit: z.coerce.number().int().min(1).max(100).default(50),
      cursor: cursorParam(positionSchema),
    }),
  },
  responses: {
    200: jsonContent(assignmentPageSchema, 'one page of assignments'),
    ...errorResponses(401, 422, 429),
  },
});

function present(r: AssignmentRow, today: string): z.infer<typeof assignmentSummarySchema> {
  return {
    workflowId: r.workflowId,
    gemeente: r.gemeente,
    aanbieder: r.aanbieder,
    toewijzingNummer: r.toewijzingNummer,
    productCategorie: r.productCategorie,
    productCode: r.productCode,
    ingangsdatum: r.ingangsdatum,
    einddatum: r.einddatum,
    profile: r.profile,
    status: r.status,
    overdue: r.nextDeadline !== null && r.nextDeadline < today,
    nextDeadline: r.nextDeadline,
    openDeadlines: r.openDeadlines.map((d) => ({ ...d, owner: d.owner as 'aanbieder' | 'gemeente' })),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export function assignmentRoutes(deps: AssignmentRouteDeps) {
  const today = deps.today ?? (() => amsterdamDateOf(new Date()));
  const running = (principal: Principal, ref: AssignmentRef) =>
    scopedAssignment(deps.temporal, principal, ref, { running: true });
  const answered = async (update: Promise<EventResult>) => {
    try {
      return await update;
    } catch (err) {
      throw eventProblem(err) ?? err;
    }
  };

  return createRouter()
    .openapi(startRoute, async (c) => {
      const event = c.req.valid('json');
      const handle = await running(c.get('principal'), c.req.valid('param'));
      const result = await answered(
        handle.executeUpdate(startUpdate, { args: [event], updateId: event.eventId }),
      );
      return c.json(result, 202);
    })
    .openapi(stopRoute, async (c) => {
      const event = c.req.valid('json');
      const handle = await running(c.get('principal'), c.req.valid('param'));
      const result = await answered(
        handle.executeUpdate(stopUpdate, { args: [event], updateId: event.eventId }),
      );
      return c.json(result, 202);
    })
    .openapi(correctionRoute, async (c) => {
      const event = c.req.valid('json');
      const handle = await running(c.get('principal'), c.req.valid('param'));
      const result = await answered(
        handle.executeUpdate(correctionUpdate, { args: [event], updateId: event.eventId }),
      );
      return c.json(result, 202);
    })
    .openapi(stateRoute, async (c) => {
      const handle = await scopedAssignment(deps.temporal, c.get('principal'), c.req.valid('param'));
      return c.json(await handle.query(stateQuery), 200);
    })
    .openapi(listRoute, async (c) => {
      const { limit, cursor, ...filter } = c.req.valid('query');
      const at = cursor ? decodeCursor(positionSchema, cursor) : undefined;
      const after: AssignmentPosition | undefined = at && { gemeente: at[0], toewijzingNummer: at[1] };
      const day = today();
      const page = await listAssignments(deps.database.db, c.get('principal'), filter, {
        limit,
        today: day,
        ...(after && { after }),
      });
      const nextCursor = page.next ? encodeCursor([page.next.gemeente, page.next.toewijzingNummer]) : null;
      return c.json({ items: page.items.map((r) => present(r, day)), nextCursor }, 200);
    });
}
