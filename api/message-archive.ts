import type { z } from '@hono/zod-openapi';
import type { Database } from '../db';
import { conversationOf } from '../db/queries/conversation';
import {
  type ArchiveScope,
  eventsOf,
  getMessage,
  listMessages,
  type MessageFilter,
  payloadOf,
} from '../db/queries/messages';
import type { Principal } from './auth';
import { decodeCursor, encodeCursor } from './cursor';
import {
  conversationRoute,
  events,
  type exportQuery,
  exportRoute,
  type finding,
  getRoute,
  iso,
  listRoute,
  positionSchema,
  summary,
  xmlRoute,
} from './message-archive-schemas';
import { defaultExportPageSize, exportLines, exportStream } from './message-export';
import { problem } from './problem';
import { createRouter } from './router';

/*
 * The message archive under /v1/messages: every message in and out with its status history — listed
 * with filters and a cursor, read one at a time (metadata, XML, conversation), and exported as NDJSON
 * for a permanent archive. A key sees the messages whose Afzender or Ontvanger it acts for; any other
 * id answers 404, as a missing one does. Lists and conversations carry metadata only; the XML comes
 * from /{id}/xml or the export.
 *
 * The contract (schemas, routes) is in api/message-archive-schemas.ts, the export's stream in
 * api/message-export.ts.
 */

function scopeOf(p: Principal): ArchiveScope {
  return { gemeenten: p.gemeenten, aanbieders: p.aanbieders, keyId: p.id };
}

function filterOf(q: z.infer<typeof exportQuery>): MessageFilter {
  const { from, to, xml: _xml, ...rest } = q;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  return { ...defined, ...(from && { from: new Date(from) }), ...(to && { to: new Date(to) }) };
}

const notFound = () => problem(404, 'no message with this id for your key');

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
