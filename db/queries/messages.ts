import { type AnyColumn, and, asc, desc, eq, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../client';
import { inboxMessages, type MessageDirection, messageEvents, outboxMessages } from '../schema';
import type { Scope } from './escalations';

/*
 * The message archive: inbox and outbox read as one list. Two keyset queries (one per table) ordered by
 * (time, id) and merged here, so each side uses its own columns and a page costs two bounded queries.
 * Time is received_at for a message in, created_at for one out. A message is in scope when the caller
 * acts for its Afzender or Ontvanger (an inbox message whose header was unreadable: for the key that
 * posted it). Payloads are read one message at a time (`payloadOf`), never in a list.
 * A conversatieId filter matches both sides: the inbox's from the transport, the outbox's set when the
 * message is created (a 302 takes its 301's, CC05) or at its first send (a heen message's own traceerId).
 */

export type ArchiveScope = Scope & { keyId: string };

export interface MessageFilter {
  direction?: MessageDirection;
  type?: string;
  status?: string;
  conversatieId?: string;
  traceerId?: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
}

/** Keyset position: the row's time as fixed-width UTC text (µs kept, sorts as text) and its id. */
export interface MessagePosition {
  at: string;
  id: string;
}

export interface MessageSummary {
  direction: MessageDirection;
  id: string;
  messageType: string | null;
  status: string;
  afzender: string | null;
  ontvanger: string | null;
  identificatie: string | null;
  traceerId: string | null;
  conversatieId: string | null;
  /** In: the workflow(s) it was routed to; out: the workflow that made it owed. */
  workflowId: string | null;
  sizeBytes: number;
  at: Date;
  position: string;
}

type Order = 'asc' | 'desc';

const utcText = (column: AnyColumn) =>
  sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export const inboxColumns = {
  id: inboxMessages.id,
  messageType: inboxMessages.messageType,
  status: inboxMessages.status,
  afzender: inboxMessages.afzender,
  ontvanger: inboxMessages.ontvanger,
  identificatie: inboxMessages.identificatie,
  traceerId: inboxMessages.traceerId,
  conversatieId: inboxMessages.conversatieId,
  workflowId: inboxMessages.routedTo,
  sizeBytes: inboxMessages.sizeBytes,
  at: inboxMessages.receivedAt,
  position: utcText(inboxMessages.receivedAt),
};

export const outboxColumns = {
  id: outboxMessages.id,
  messageType: outboxMessages.messageType,
  status: outboxMessages.status,
  afzender: outboxMessages.afzender,
  ontvanger: outboxMessages.ontvanger,
  identificatie: outboxMessages.identificatie,
  traceerId: outboxMessages.traceerId,
  conversatieId: outboxMessages.conversatieId,
  workflowId: outboxMessages.workflowId,
  sizeBytes: sql<number>`octet_length(${outboxMessages.payload})`.mapWith(Number),
  at: outboxMessages.createdAt,
  position: utcText(outboxMessages.createdAt),
};

function codes(scope: Scope): string[] {
  return [...scope.gemeenten, ...scope.aanbieders];
}

export function inboxScope(scope: ArchiveScope): SQL {
  const mine = codes(scope);
  const sides = mine.length
    ? [inArray(inboxMessages.afzender, mine), inArray(inboxMessages.ontvanger, mine)]
    : [];
  return or(...sides, eq(inboxMessages.submittedBy, scope.keyId)) as SQL;
}

export function outboxScope(scope: ArchiveScope): SQL | undefined {
  const mine = codes(scope);
  if (!mine.length) return undefined;
  return or(inArray(outboxMessages.afzender, mine), inArray(outboxMessages.ontvanger, mine));
}

function after(order: Order, at: AnyColumn, id: AnyColumn, p?: MessagePosition) {
  if (!p) return undefined;
  return order === 'desc'
    ? sql`(${at}, ${id}) < (${p.at}::timestamptz, ${p.id}::uuid)`
    : sql`(${at}, ${id}) > (${p.at}::timestamptz, ${p.id}::uuid)`;
}

const sorted = (order: Order) => (order === 'desc' ? desc : asc);

/**
 * Inbox rows of conversatie `id`: the transport's, and a 325 routed to the claims batch whose 323 went
 * out under it (VECOZO gives a 325 a conversation of its own; db/queries/conversation.ts links the same).
 */
function inboxInConversatie(id: string): SQL | undefined {
  const t = inboxMessages;
  const declaratie = sql`${t.routedTo} in (select ${outboxMessages.workflowId} from ${outboxMessages}
    where ${outboxMessages.messageType} = 'WMO323' and ${outboxMessages.conversatieId} = ${id})`;
  return or(eq(t.conversatieId, id), and(eq(t.messageType, 'WMO325'), declaratie));
}

async function inboxPage(
  db: Database,
  scope: ArchiveScope,
  f: MessageFilter,
  page: { limit: number; order: Order; after?: MessagePosition },
): Promise<MessageSummary[]> {
  const t = inboxMessages;
  const where = and(
    inboxScope(scope),
    f.type ? eq(t.messageType, f.type) : undefined,
    f.status ? eq(t.status, f.status as 'received') : undefined,
    f.conversatieId ? inboxInConversatie(f.conversatieId) : undefined,
    f.traceerId ? eq(t.traceerId, f.traceerId) : undefined,
    f.from ? sql`${t.receivedAt} >= ${f.from.toISOString()}::timestamptz` : undefined,
    f.to ? lt(t.receivedAt, sql`${f.to.toISOString()}::timestamptz`) : undefined,
    after(page.order, t.receivedAt, t.id, page.after),
  );
  const by = sorted(page.order);
  const rows = await db
    .select(inboxColumns)
    .from(t)
    .where(where)
    .orderBy(by(t.receivedAt), by(t.id))
    .limit(page.limit);
  return rows.map((r) => ({ ...r, direction: 'in' as const }));
}

async function outboxPage(
  db: Database,
  scope: ArchiveScope,
  f: MessageFilter,
  page: { limit: number; order: Order; after?: MessagePosition },
): Promise<MessageSummary[]> {
  const inScope = outboxScope(scope);
  if (!inScope) return [];
  const t = outboxMessages;
  const where = and(
    inScope,
    f.type ? eq(t.messageType, f.type) : undefined,
    f.status ? eq(t.status, f.status as 'pending') : undefined,
    f.conversatieId ? eq(t.conversatieId, f.conversatieId) : undefined,
    f.traceerId ? eq(t.traceerId, f.traceerId) : undefined,
    f.from ? sql`${t.createdAt} >= ${f.from.toISOString()}::timestamptz` : undefined,
    f.to ? lt(t.createdAt, sql`${f.to.toISOString()}::timestamptz`) : undefined,
    after(page.order, t.createdAt, t.id, page.after),
  );
  const by = sorted(page.order);
  const rows = await db
    .select(outboxColumns)
    .from(t)
    .where(where)
    .orderBy(by(t.createdAt), by(t.id))
    .limit(page.limit);
  return rows.map((r) => ({ ...r, direction: 'out' as const }));
}

/** (position, id) as PostgreSQL orders (time, uuid): fixed-width UTC text and lowercase hex sort alike. */
function compare(a: MessageSummary, b: MessageSummary): number {
  if (a.position !== b.position) return a.position < b.position ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** One page of messages in both directions, newest first (`desc`) or oldest first (`asc`). */
export async function listMessages(
  db: Database,
  scope: ArchiveScope,
  filter: MessageFilter,
  page: { limit: number; order?: Order; after?: MessagePosition },
): Promise<{ items: MessageSummary[]; next?: MessagePosition }> {
  const order = page.order ?? 'desc';
  const each = { ...page, order, limit: page.limit + 1 };
  const [ins, outs] = await Promise.all([
    filter.direction === 'out' ? [] : inboxPage(db, scope, filter, each),
    filter.direction === 'in' ? [] : outboxPage(db, scope, filter, each),
  ]);
  const merged = [...ins, ...outs].sort((a, b) => (order === 'desc' ? compare(b, a) : compare(a, b)));
  const items = merged.slice(0, page.limit);
  const last = items.at(-1);
  return merged.length > page.limit && last ? { items, next: { at: last.position, id: last.id } } : { items };
}

// ---- one message ----

export type InboxDetail = MessageSummary & {
  direction: 'in';
  transport: string;
  payloadSha256: string;
  findings: unknown[];
  routedTo: string | null;
  processedAt: Date | null;
};

export type OutboxDetail = MessageSummary & {
  direction: 'out';
  attempts: number;
  lastError: string | null;
  sentAt: Date | null;
};

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A message in either direction, when it exists and is in the caller's scope. */
export async function getMessage(
  db: Database,
  scope: ArchiveScope,
  id: string,
): Promise<InboxDetail | OutboxDetail | undefined> {
  if (!uuidPattern.test(id)) return undefined;
  const [inRow] = await db
    .select({
      ...inboxColumns,
      transport: inboxMessages.transport,
      payloadSha256: inboxMessages.payloadSha256,
      findings: inboxMessages.findings,
      routedTo: inboxMessages.routedTo,
      processedAt: inboxMessages.processedAt,
    })
    .from(inboxMessages)
    .where(and(eq(inboxMessages.id, id), inboxScope(scope)));
  if (inRow) return { ...inRow, findings: inRow.findings ?? [], direction: 'in' };
  const inScope = outboxScope(scope);
  if (!inScope) return undefined;
  const [outRow] = await db
    .select({
      ...outboxColumns,
      attempts: outboxMessages.attempts,
      lastError: outboxMessages.lastError,
      sentAt: outboxMessages.sentAt,
    })
    .from(outboxMessages)
    .where(and(eq(outboxMessages.id, id), inScope));
  return outRow && { ...outRow, direction: 'out' };
}

/**
 * The stored XML of a message the caller already found in scope: text, or for an inbox message whose
 * bytes are not UTF-8 text (rejected under PAYLOAD-ENCODING, or with a UTF-8 BOM) the bytes as received.
 */
export async function payloadOf(
  db: Database,
  direction: MessageDirection,
  id: string,
): Promise<string | Buffer | undefined> {
  if (direction === 'out') {
    const [row] = await db
      .select({ payload: outboxMessages.payload })
      .from(outboxMessages)
      .where(eq(outboxMessages.id, id));
    return row?.payload;
  }
  const [row] = await db
    .select({ payload: inboxMessages.payload, raw: inboxMessages.rawPayload })
    .from(inboxMessages)
    .where(eq(inboxMessages.id, id));
  return row && (row.raw ?? row.payload);
}

export type MessageEventRow = typeof messageEvents.$inferSelect;

/** Status history of these messages, oldest first, by message id. */
export async function eventsOf(db: Database, ids: string[]): Promise<Map<string, MessageEventRow[]>> {
  const byId = new Map<string, MessageEventRow[]>(ids.map((id) => [id, []]));
  if (!ids.length) return byId;
  const rows = await db
    .select()
    .from(messageEvents)
    .where(inArray(messageEvents.messageId, ids))
    .orderBy(asc(messageEvents.at), asc(messageEvents.id));
  for (const row of rows) byId.get(row.messageId)?.push(row);
  return byId;
}
