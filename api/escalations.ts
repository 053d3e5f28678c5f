import { createRoute, z } from '@hono/zod-openapi';
import { type DatabaseHandle, deliveryStatus, escalationStatus } from '../db';
import {
  type EscalationRecord,
  getEscalation,
  listEscalations,
  type Position,
} from '../db/queries/escalations';
import { agbCode, gemeenteCode } from '../iwmo/identifier-schemas';
import { cursorParam, decodeCursor, encodeCursor, positionTime } from './cursor';
import { problem } from './problem';
import { bearerSecurity, createRouter, errorResponses, jsonContent } from './router';

/*
 * GET /v1/escalations and /v1/escalations/{id}: missed deadlines and how their webhooks fared, from
 * the escalations table. A key sees the escalations where its gemeente or one of its AGB codes is a
 * side; anything else is absent (404 for one, missing from a list), never forbidden.
 */

const party = z.enum(['aanbieder', 'gemeente']);
const timestamp = z.iso.datetime().nullable();

const deliverySchema = z
  .object({
    party,
    code: z.string(),
    status: z.enum(deliveryStatus),
    attempts: z.number().int(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    lastAttemptAt: timestamp,
    deliveredAt: timestamp,
  })
  .openapi('EscalationDelivery');

const escalationSchema = z
  .object({
    id: z.uuid(),
    workflowId: z.string().openapi({ example: 'wmo:1916:4711' }),
    gemeente: z.string(),
    aanbieder: z.string(),
    toewijzingNummer: z.number().int(),
    action: z.string().openapi({ example: 'verstuur-305' }),
    rule: z.string().openapi({ example: 'OP271' }),
    owner: party,
    dueDate: z.iso.date(),
    lateWorkingDays: z.number().int(),
    status: z.enum(escalationStatus),
    lastError: z.string().nullable(),
    createdAt: z.iso.datetime(),
    deliveredAt: timestamp,
    resolvedAt: timestamp,
    deliveries: z.array(deliverySchema),
  })
  .openapi('Escalation');

const pageSchema = z
  .object({
    items: z.array(escalationSchema),
    /** Pass as `cursor` for the next page; null on the last page. */
    nextCursor: z.string().nullable(),
  })
  .openapi('EscalationPage');

const positionSchema = z.tuple([positionTime, z.uuid()]);
const cursorOf = (p: Position) => encodeCursor([p.createdAt, p.id]);
function positionOf(cursor: string): Position | undefined {
  const at = decodeCursor(positionSchema, cursor);
  return at && { createdAt: at[0], id: at[1] };
}

const listQuery = z.object({
  status: z.enum(escalationStatus).optional(),
  gemeente: gemeenteCode.optional(),
  aanbieder: agbCode.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: cursorParam(positionSchema),
});

const listRoute = createRoute({
  operationId: 'listEscalations',
  method: 'get',
  path: '/',
  tags: ['escalations'],
  summary: 'Missed deadlines of your assignments, newest first',
  security: bearerSecurity,
  request: { query: listQuery },
  responses: {
    200: jsonContent(pageSchema, 'one page of escalations'),
    ...errorResponses(401, 422, 429),
  },
});

const getRoute = createRoute({
  operationId: 'getEscalation',
  method: 'get',
  path: '/{id}',
  tags: ['escalations'],
  summary: 'One escalation with its webhook deliveries',
  security: bearerSecurity,
  request: { params: z.object({ id: z.uuid() }) },
  responses: {
    200: jsonContent(escalationSchema, 'the escalation'),
    ...errorResponses(401, 404, 422, 429),
  },
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function present(r: EscalationRecord): z.infer<typeof escalationSchema> {
  return {
    id: r.id,
    workflowId: r.workflowId,
    gemeente: r.gemeente,
    aanbieder: r.aanbieder,
    toewijzingNummer: r.toewijzingNummer,
    action: r.action,
    rule: r.rule,
    owner: r.owner,
    dueDate: r.dueDate,
    lateWorkingDays: r.lateWorkingDays,
    status: r.status,
    lastError: r.lastError,
    createdAt: r.createdAt.toISOString(),
    deliveredAt: iso(r.deliveredAt),
    resolvedAt: iso(r.resolvedAt),
    deliveries: r.deliveries.map((d) => ({
      party: d.party,
      code: d.code,
      status: d.status,
      attempts: d.attempts,
      lastStatusCode: d.lastStatusCode,
      lastError: d.lastError,
      lastAttemptAt: iso(d.lastAttemptAt),
      deliveredAt: iso(d.deliveredAt),
    })),
  };
}

export function escalationRoutes({ database }: { database: DatabaseHandle }) {
  return createRouter()
    .openapi(listRoute, async (c) => {
      const { limit, cursor, ...filter } = c.req.valid('query');
      const after = cursor ? positionOf(cursor) : undefined;
      const page = await listEscalations(database.db, c.get('principal'), filter, {
        limit,
        ...(after && { after }),
      });
      return c.json(
        { items: page.items.map(present), nextCursor: page.next ? cursorOf(page.next) : null },
        200,
      );
    })
    .openapi(getRoute, async (c) => {
      const found = await getEscalation(database.db, c.get('principal'), c.req.valid('param').id);
      if (!found) throw problem(404, 'no escalation with this id for your key');
      return c.json(present(found), 200);
    });
}
