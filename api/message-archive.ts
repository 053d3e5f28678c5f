import { createRoute, z } from '@hono/zod-openapi';
import { type Database, inboxStatus, messageDirection, outboxStatus } from '../db';
import { conversationOf } from '../db/queries/conversation';
import {
  type ArchiveScope,
  eventsOf,
  getMessage,
  listMessages,
  type MessageEventRow,
  type MessageFilter,
  type MessageSummary,
  payloadOf,
} from '../db/queries/messages';
import type { Principal } from './auth';
import { cursorParam, decodeCursor, encodeCursor, positionTime, timestampParam } from './cursor';
import { problem, reasonPhrase } from './problem';
import { bearerSecurity, createRouter, errorResponses, jsonContent } from './router';
import { safeText } from './text';

/*
 * The message archive under /v1/messages: every message in and out with its status history — listed
 * with filters and a cursor, read one at a time (metadata, XML, conversation), and exported as NDJSON
 * for a permanent archive. A key sees the messages whose Afzender or Ontvanger it acts for; any other
 * id answers 404, as a missing one does. Lists and conversations carry metadata only; the XML comes
 * from /{id}/xml or the export.
 */

const tags = ['messages'];
/** Messages per database page of an export: bounds what is held besides the one payload being written. */
export const defaultExportPageSize = 100;

// ---- schemas ----

const eventSchema = z
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
const summarySchema = z.object(summaryFields).openapi('ArchivedMessage');

const pageSchema = z
  .object({ items: z.array(summarySchema), nextCursor: z.string().nullable() })
  .openapi('ArchivedMessagePage');

const finding = z.object({ rule: z.string(), path: z.string(), message: z.string() }).passthrough();

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

const positionSchema = z.tuple([positionTime, z.uuid()]);

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

const listQuery = z
  .object({
    ...filterFields,
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: cursorParam(positionSchema),
  })
  .refine(fromBeforeTo, rangeRule);

const exportQuery = z
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

const listRoute = createRoute({
  operationId: 'listMessages',
  method: 'get',
  path: '/',
  tags,
  summary: 'Messages in and out, newest first (metadata only)',
  security: bearerSecurity,
  request: { query: listQuery },
  responses: { 200: jsonContent(pageSchema, 'one page of messages'), ...errorResponses(401, 422, 429) },
});

const exportRoute = createRoute({
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

const getRoute = createRoute({
  operationId: 'getMessage',
  method: 'get',
  path: '/{id}',
  tags,
  summary: 'A message in or out: metadata, status and status history',
  security: bearerSecurity,
  request: { params: idParam },
  responses: { 200: jsonContent(detailSchema, 'the message'), ...errorResponses(401, 404, 429) },
});

const xmlRoute = createRoute({
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

const conversationRoute = createRoute({
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

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function summary(m: MessageSummary): z.infer<typeof summarySchema> {
  const { position: _position, at, status, ...rest } = m;
  return { ...rest, status: status as z.infer<typeof summarySchema>['status'], at: at.toISOString() };
}

function events(rows: MessageEventRow[]): z.infer<typeof eventSchema>[] {
  return rows.map((e) => ({ status: e.status, at: e.at.toISOString(), detail: e.detail ?? null }));
}

function scopeOf(p: Principal): ArchiveScope {
  return { gemeenten: p.gemeenten, aanbieders: p.aanbieders, keyId: p.id };
}

function filterOf(q: z.infer<typeof exportQuery>): MessageFilter {
  const { from, to, xml: _xml, ...rest } = q;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  return { ...defined, ...(from && { from: new Date(from) }), ...(to && { to: new Date(to) }) };
}

const notFound = () => problem(404, 'no message with this id for your key');

/** NDJSON lines of every message matching the filter, read page by page: one payload in memory at a time. */
async function* exportLines(
  db: Database,
  scope: ArchiveScope,
  filter: MessageFilter,
  options: { xml: 'raw' | 'base64'; pageSize: number },
) {
  const { xml, pageSize } = options;
  let after: { at: string; id: string } | undefined;
  do {
    const page = await listMessages(db, scope, filter, {
      limit: pageSize,
      order: 'asc',
      ...(after && { after }),
    });
    const history = await eventsOf(
      db,
      page.items.map((m) => m.id),
    );
    for (const m of page.items) {
      const payload = (await payloadOf(db, m.direction, m.id)) ?? '';
      // Bytes that are not UTF-8 text (an inbox message rejected for its encoding) only fit as base64.
      const body =
        xml === 'raw' && typeof payload === 'string'
          ? { xml: payload }
          : { xmlBase64: Buffer.from(payload).toString('base64') };
      yield `${JSON.stringify({ ...summary(m), events: events(history.get(m.id) ?? []), ...body })}\n`;
    }
    after = page.next;
  } while (after);
}

/** The last line of an export that failed after its 200 went out: says so, with no data and no internals. */
export function exportErrorLine(written: number, requestId: string): string {
  const error = {
    status: 500,
    title: reasonPhrase(500),
    detail:
      `export failed after ${written} message(s); the lines before this one are complete, ` +
      `the rest is missing: export again from the last one's time, quote request id ${requestId} when reporting it`,
    requestId,
  };
  return `${JSON.stringify({ error })}\n`;
}

/** What the log may know of a failure: its class and PostgreSQL's SQLSTATE, never its message (SQL, parameters). */
function failureName(err: unknown): string {
  const name = err instanceof Error ? err.name : typeof err;
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
  const code = (err as { code?: unknown })?.code ?? cause?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? `${name} (SQLSTATE ${code})` : name;
}

/**
 * The export's body. The first line is read before the response starts (a failure there is an ordinary
 * problem); a failure later cannot change the 200 any more, so it ends the stream with an error line
 * the client can see and logs one line — instead of cutting the body off with nothing to tell a
 * truncated archive from a complete one.
 */
async function exportStream(
  lines: AsyncGenerator<string>,
  report: { log: (line: string) => void; requestId: string },
): Promise<ReadableStream<Uint8Array>> {
  const encoder = new TextEncoder();
  const first = await lines.next();
  let pending: IteratorResult<string> | undefined = first;
  let written = 0;
  return new ReadableStream({
    // Pull: the next line is read from the database only when the client took the previous one.
    async pull(controller) {
      try {
        const { value, done } = pending ?? (await lines.next());
        pending = undefined;
        if (done) return controller.close();
        controller.enqueue(encoder.encode(value));
        written += 1;
      } catch (err) {
        report.log(
          `[api] export failed after ${written} message(s): ${failureName(err)} req=${report.requestId}`,
        );
        controller.enqueue(encoder.encode(exportErrorLine(written, report.requestId)));
        controller.close();
      }
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
}

export function messageArchiveRoutes({
  db,
  exportPageSize = defaultExportPageSize,
  log = (line: string) => console.log(line),
}: {
  db: Database;
  exportPageSize?: number;
  /** Where a failed export's one line goes (the API's log). */
  log?: (line: string) => void;
}) {
  return createRouter()
    .openapi(listRoute, async (c) => {
      const { limit, cursor, ...query } = c.req.valid('query');
      const position = cursor ? decodeCursor(positionSchema, cursor) : undefined;
      const after = position && { at: position[0], id: position[1] };
      const page = await listMessages(db, scopeOf(c.get('principal')), filterOf({ ...query, xml: 'raw' }), {
        limit,
        ...(after && { after }),
      });
      const nextCursor = page.next ? encodeCursor([page.next.at, page.next.id]) : null;
      return c.json({ items: page.items.map(summary), nextCursor }, 200);
    })
    .openapi(exportRoute, async (c) => {
      const query = c.req.valid('query');
      const options = { xml: query.xml, pageSize: exportPageSize };
      const lines = exportLines(db, scopeOf(c.get('principal')), filterOf(query), options);
      const requestId = (c.get('requestId' as never) as string | undefined) ?? '-';
      const body = await exportStream(lines, { log, requestId });
      const headers = {
        'content-type': 'application/x-ndjson; charset=utf-8',
        'content-disposition': 'attachment; filename="messages.ndjson"',
      };
      // A plain Response: the route's typed responses cannot express a streamed body.
      return new Response(body, { status: 200, headers }) as never;
    })
    .openapi(getRoute, async (c) => {
      const m = await getMessage(db, scopeOf(c.get('principal')), c.req.valid('param').id);
      if (!m) throw notFound();
      const history = events((await eventsOf(db, [m.id])).get(m.id) ?? []);
      if (m.direction === 'in') {
        const { processedAt, findings, ...rest } = m;
        return c.json(
          {
            ...summary(rest),
            direction: 'in' as const,
            transport: m.transport,
            payloadSha256: m.payloadSha256,
            findings: findings as z.infer<typeof finding>[],
            routedTo: m.routedTo,
            receivedAt: m.at.toISOString(),
            processedAt: iso(processedAt),
            events: history,
          },
          200,
        );
      }
      return c.json(
        {
          ...summary(m),
          direction: 'out' as const,
          attempts: m.attempts,
          lastError: m.lastError,
          createdAt: m.at.toISOString(),
          sentAt: iso(m.sentAt),
          events: history,
        },
        200,
      );
    })
    .openapi(xmlRoute, async (c) => {
      const m = await getMessage(db, scopeOf(c.get('principal')), c.req.valid('param').id);
      const payload = m && (await payloadOf(db, m.direction, m.id));
      if (payload === undefined) throw notFound();
      // Bytes as received (not UTF-8 text) are served as they are, without claiming a charset.
      if (typeof payload !== 'string')
        return c.body(new Uint8Array(payload), 200, { 'content-type': 'application/xml' });
      return c.body(payload, 200, { 'content-type': 'application/xml; charset=utf-8' });
    })
    .openapi(conversationRoute, async (c) => {
      const found = await conversationOf(db, scopeOf(c.get('principal')), c.req.valid('param').id);
      if (!found) throw notFound();
      const messages = found.messages.map((m) => ({ ...summary(m), inReplyTo: m.inReplyTo }));
      return c.json({ messages, truncated: found.truncated }, 200);
    });
}
