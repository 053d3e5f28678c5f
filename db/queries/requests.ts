import { and, asc, eq, inArray, or, type SQL, sql } from 'drizzle-orm';
import { verzoekMessageKey } from '../../contract/request/keys';
import type { Database } from '../client';
import { outboxMessages, requestDocuments, requests } from '../schema';
import type { Scope } from './escalations';

/*
 * The request documents (what POST /v1/requests accepted, personal data included) and the requests read
 * model as the API lists it: always inside the caller's scope, in a stable order, paged by workflow id.
 */

export type RequestDocumentRow = typeof requestDocuments.$inferSelect;
export type RequestRow = typeof requests.$inferSelect;

export interface NewRequestDocument {
  soort: '315' | '317';
  aanbieder: string;
  gemeente: string;
  document: unknown;
  huidigeToewijzingen?: unknown[];
  eventId?: string;
}

export async function storeRequestDocument(db: Database, doc: NewRequestDocument): Promise<string> {
  const [row] = await db
    .insert(requestDocuments)
    .values({ ...doc, huidigeToewijzingen: doc.huidigeToewijzingen ?? null, eventId: doc.eventId ?? null })
    .returning({ id: requestDocuments.id });
  if (!row) throw new Error('request document not stored');
  return row.id;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function findRequestDocument(db: Database, id: string): Promise<RequestDocumentRow | undefined> {
  if (!uuidPattern.test(id)) return undefined;
  const [row] = await db.select().from(requestDocuments).where(eq(requestDocuments.id, id));
  return row;
}

/** The document an earlier call with this eventId stored for this aanbieder (a retried POST or resend). */
export async function findRequestDocumentByEvent(
  db: Database,
  aanbieder: string,
  eventId: string,
): Promise<RequestDocumentRow | undefined> {
  const [row] = await db
    .select()
    .from(requestDocuments)
    .where(and(eq(requestDocuments.aanbieder, aanbieder), eq(requestDocuments.eventId, eventId)));
  return row;
}

/**
 * Deletes a document a resend stored but the workflow refused (its personal data has no use left),
 * unless a message was already built from it (an outbox row under its key). Returns whether it did.
 */
export async function deleteUnusedRequestDocument(db: Database, id: string): Promise<boolean> {
  const deleted = await db
    .delete(requestDocuments)
    .where(
      and(
        eq(requestDocuments.id, id),
        sql`not exists (select 1 from ${outboxMessages} where ${outboxMessages.idempotencyKey} = ${verzoekMessageKey(id)})`,
      ),
    )
    .returning({ id: requestDocuments.id });
  return deleted.length > 0;
}

export interface RequestFilter {
  status?: string;
  overdue?: boolean;
}

function scoped(scope: Scope): SQL | undefined {
  const sides = [
    scope.gemeenten.length ? inArray(requests.gemeente, scope.gemeenten) : undefined,
    scope.aanbieders.length ? inArray(requests.aanbieder, scope.aanbieders) : undefined,
  ].filter((s) => s !== undefined);
  return sides.length ? or(...sides) : undefined;
}

/** Overdue against the caller's today, from the earliest open due date (as for assignments). */
function overdueOn(today: string, overdue: boolean): SQL {
  return overdue
    ? sql`${requests.nextDeadline} < ${today}::date`
    : sql`(${requests.nextDeadline} is null or ${requests.nextDeadline} >= ${today}::date)`;
}

export async function listRequests(
  db: Database,
  scope: Scope,
  filter: RequestFilter,
  page: { limit: number; today: string; after?: string },
): Promise<{ items: RequestRow[]; next?: string }> {
  const inScope = scoped(scope);
  if (!inScope) return { items: [] };
  const conditions = [
    inScope,
    filter.status && eq(requests.status, filter.status),
    filter.overdue !== undefined && overdueOn(page.today, filter.overdue),
    page.after && sql`${requests.workflowId} > ${page.after}`,
  ].filter((c): c is SQL => !!c);
  const rows = await db
    .select()
    .from(requests)
    .where(and(...conditions))
    .orderBy(asc(requests.workflowId))
    .limit(page.limit + 1);
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return rows.length > page.limit && last ? { items, next: last.workflowId } : { items };
}
