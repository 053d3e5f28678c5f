import type { Database } from '../db';
import {
  type ArchiveScope,
  eventsOf,
  listMessages,
  type MessageFilter,
  payloadOf,
} from '../db/queries/messages';
import { events, summary } from './message-archive-schemas';
import { reasonPhrase } from './problem';

/*
 * GET /v1/messages/export: every message in range as NDJSON, read from the database page by page and
 * written line by line as the client takes them, with a closing error line when it fails half-way.
 */

/** Messages per database page of an export: bounds what is held besides the one payload being written. */
export const defaultExportPageSize = 100;

/** NDJSON lines of every message matching the filter, read page by page: one payload in memory at a time. */
export async function* exportLines(
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
export async function exportStream(
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
