import { and, desc, eq, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../client';
import { type EscalationStatus, escalationDeliveries, escalations } from '../schema';

/*
 * Escalations as the API lists them: always inside a scope (the caller's gemeente and AGB codes — a
 * row is visible when either side of it is the caller's), newest first, paged by a keyset cursor.
 */

export interface Scope {
  gemeenten: string[];
  aanbieders: string[];
}

export interface EscalationFilter {
  status?: EscalationStatus;
  gemeente?: string;
  aanbieder?: string;
}

/** Position after the last row of a page: its created_at as PostgreSQL prints it (µs kept) and its id. */
export interface Position {
  createdAt: string;
  id: string;
}

export type EscalationRecord = typeof escalations.$inferSelect & {
  deliveries: (typeof escalationDeliveries.$inferSelect)[];
};

function scoped(scope: Scope): SQL | undefined {
  const sides = [
    scope.gemeenten.length ? inArray(escalations.gemeente, scope.gemeenten) : undefined,
    scope.aanbieders.length ? inArray(escalations.aanbieder, scope.aanbieders) : undefined,
  ].filter((s) => s !== undefined);
  return sides.length ? or(...sides) : undefined;
}

async function withDeliveries(
  db: Database,
  rows: (typeof escalations.$inferSelect)[],
): Promise<EscalationRecord[]> {
  if (!rows.length) return [];
  const deliveries = await db
    .select()
    .from(escalationDeliveries)
    .where(
      inArray(
        escalationDeliveries.escalationId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(escalationDeliveries.party);
  return rows.map((r) => ({ ...r, deliveries: deliveries.filter((d) => d.escalationId === r.id) }));
}

export async function listEscalations(
  db: Database,
  scope: Scope,
  filter: EscalationFilter,
  page: { limit: number; after?: Position },
): Promise<{ items: EscalationRecord[]; next?: Position }> {
  const inScope = scoped(scope);
  if (!inScope) return { items: [] };
  const conditions = [
    inScope,
    filter.status && eq(escalations.status, filter.status),
    filter.gemeente && eq(escalations.gemeente, filter.gemeente),
    filter.aanbieder && eq(escalations.aanbieder, filter.aanbieder),
    page.after &&
      sql`(${escalations.createdAt}, ${escalations.id}) < (${page.after.createdAt}::timestamptz, ${page.after.id}::uuid)`,
  ].filter((c): c is SQL => !!c);
  const rows = await db
    .select({ row: escalations, position: sql<string>`${escalations.createdAt}::text` })
    .from(escalations)
    .where(and(...conditions))
    .orderBy(desc(escalations.createdAt), desc(escalations.id))
    .limit(page.limit + 1);
  const pageRows = rows.slice(0, page.limit);
  const last = pageRows.at(-1);
  const next = rows.length > page.limit && last ? { createdAt: last.position, id: last.row.id } : undefined;
  const items = await withDeliveries(
    db,
    pageRows.map((r) => r.row),
  );
  return next ? { items, next } : { items };
}

/** One escalation, or undefined when it does not exist or lies outside the scope (the caller cannot tell which). */
export async function getEscalation(
  db: Database,
  scope: Scope,
  id: string,
): Promise<EscalationRecord | undefined> {
  const inScope = scoped(scope);
  if (!inScope) return undefined;
  const rows = await db
    .select()
    .from(escalations)
    .where(and(eq(escalations.id, id), inScope));
  const [record] = await withDeliveries(db, rows);
  return record;
}
