import { createRoute, z } from '@hono/zod-openapi';
import { inboxStatus, messageDirection, outboxStatus } from '../db';
import type { MessageEventRow, MessageSummary } from '../db/queries/messages';
import { cursorParam, positionTime, timestampParam } from './cursor';
import { bearerSecurity, errorResponses, jsonContent } from './router';
import { safeText } from './text';

/*
 * The message archive's contract (/v1/messages): its schemas, its five routes, and how a stored message
 * is shown in them. The handlers are in api/message-archive.ts, the NDJSON export in api/message-export.ts.
 */

const tags = ['messages'];

// ---- schemas ----

export const eventSchema = z
  .object({
    status: z.string().openapi({ example: 'routed' }),
    at: z.iso.datetime(),
    detail: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi('MessageEvent');

const summaryFields = {
  direction: z.enum(messageDirection),
  id: z.uuid(),
  messageType: z.string().nullable().openapi({ example: 'WMO301' }),
  status: z.enum([...inboxStatus, ...outboxStatus]),
  afzender: z.string().nullable(),
  ontvanger: z.string().nullable(),
  identificatie: z.string().nullable(),
  traceerId: z.string().nullable(),
  conversatieId: z.string().nullable(),
  workflowId: z.string().nullable().openapi({ description: 'in: routed to; out: made owed by' }),
  sizeBytes: z.number().int(),
  /** Received (in) or created (out). */
  at: z.iso.datetime(),
};
export const summarySchema = z.object(summaryFields).openapi('ArchivedMessage');

const pageSchema = z
  .object({ items: z.array(summarySchema), nextCursor: z.string().nullable() })
  .openapi('ArchivedMessagePage');

export const finding = z.object({ rule: z.string(), path: z.string(), message: z.string() }).passthrough();

const inboxDetailSchema = z
  .object({
    ...summaryFields,
    direction: z.literal('in'),
    transport: z.string(),
    payloadSha256: z.string(),
    findings: z.array(finding),
    routedTo: z.string().nullable(),
    receivedAt: z.iso.datetime(),
    processedAt: z.iso.datetime().nullable(),
    events: z.array(eventSchema),
  })
  .openapi('InboxMessage');

const outboxDetailSchema = z
  .object({
    ...summaryFields,
    direction: z.literal('out'),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    createdAt: z.iso.datetime(),
    sentAt: z.iso.datetime().nullable(),
    events: z.array(eventSchema),
  })
  .openapi('OutboxMessage');

const detailSchema = z.discriminatedUnion('direction', [inboxDetailSchema, outboxDetailSchema]);

const conversationSchema = z
  .object({
    messages: z.array(z.object({ ...summaryFields, inReplyTo: z.uuid().nullable() })),
    /** More messages are linked than one answer holds (200). */
    truncated: z.boolean(),
  })
  .openapi('MessageConversation');

export const positionSchema = z.tuple([positionTime, z.uuid()]);

const filterFields = {
  direction: z.enum(messageDirection).optional(),
  type: z
    .string()
    .regex(/^WMO3[0-9]{2}$/, 'a message type is WMO and its number, e.g. WMO301')
    .optional(),
  status: z.enum([...inboxStatus, ...outboxStatus]).optional(),
  conversatieId: safeText(100).min(1).optional(),
  traceerId: safeText(100).min(1).optional(),
  from: timestampParam.optional().openapi({ description: 'received/created at or after' }),
  to: timestampParam.optional().openapi({ description: 'received/created before' }),
};
const fromBeforeTo = (q: { from?: string | undefined; to?: string | undefined }) =>
  !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to);
const rangeRule = { message: 'from must be before to', path: ['to'] };

export const listQuery = z
  .object({
    ...filterFields,
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: cursorParam(positionSchema),
  })
  .refine(fromBeforeTo, rangeRule);

export const exportQuery = z
  .object({
    ...filterFields,
    xml: z
      .enum(['raw', 'base64'])
      .default('raw')
      .openapi({ description: 'the XML as a JSON string or base64' }),
  })
  .refine(fromBeforeTo, rangeRule);

const idParam = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) });

// ---- routes ----

export const listRoute = createRoute({
  operationId: 'listMessages',
  method: 'get',
  path: '/',
  tags,
  summary: 'Messages in and out, newest first (metadata only)',
  security: bearerSecurity,
  request: { query: listQuery },
  responses: { 200: jsonContent(pageSchema, 'one page of messages'), ...errorResponses(401, 422, 429) },
});

export const exportRoute = createRoute({
  operationId: 'exportMessages',
  method: 'get',
  path: '/export',
  tags,
  summary: 'Every message in range as NDJSON, oldest first: metadata, status history and XML per line',
  security: bearerSecurity,
  request: { query: exportQuery },
  responses: {
    200: {
      description: 'one JSON object per line',
      content: { 'application/x-ndjson': { schema: z.string() } },
    },
    ...errorResponses(401, 422, 429),
  },
});

export const getRoute = createRoute({
  operationId: 'getMessage',
  method: 'get',
  path: '/{id}',
  tags,
  summary: 'A message in or out: metadata, status and status history',
  security: bearerSecurity,
  request: { params: idParam },
  responses: { 200: jsonContent(detailSchema, 'the message'), ...errorResponses(401, 404, 429) },
});

export const xmlRoute = createRoute({
  operationId: 'getMessageXml',
  method: 'get',
  path: '/{id}/xml',
  tags,
  summary: 'A message as it arrived or was sent',
  security: bearerSecurity,
  request: { params: idParam },
  responses: {
    200: { description: 'The XML', content: { 'application/xml': { schema: z.string() } } },
    ...errorResponses(401, 404, 429),
  },
});

export const conversationRoute = createRoute({
  operationId: 'getMessageConversation',
  method: 'get',
  path: '/{id}/conversation',
  tags,
  summary: 'The heen message, its retour(s) and what followed, oldest first',
  security: bearerSecurity,
  request: { params: idParam },
  responses: { 200: jsonContent(conversationSchema, 'the conversation'), ...errorResponses(401, 404, 429) },
});
// ---- presenting ----

export const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function summary(m: MessageSummary): z.infer<typeof summarySchema> {
  const { position: _position, at, status, ...rest } = m;
  return { ...rest, status: status as z.infer<typeof summarySchema>['status'], at: at.toISOString() };
}

export function events(rows: MessageEventRow[]): z.infer<typeof eventSchema>[] {
  return rows.map((e) => ({ status: e.status, at: e.at.toISOString(), detail: e.detail ?? null }));
}
