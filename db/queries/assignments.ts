import { and, asc, eq, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../client';
import { assignments } from '../schema';
import type { Scope } from './escalations';

/*
 * The assignments read model as the API lists it: always inside a scope (a row is visible when its
 * gemeente or its aanbieder is one of the caller's), in a stable order, paged by a keyset cursor.
 * "Overdue" is decided here, against the caller's today, from the open deadlines' due dates — not from
 * the `overdue` column, which is only as fresh as the workflow's last write.
 */

export type AssignmentRow = typeof assignments.$inferSelect;

export interface AssignmentFilter {
  status?: string;
  overdue?: boolean;
  gemeente?: string;
  aanbieder?: string;
}

/** Position after the last row of an assignments page. */
export interface AssignmentPosition {
  gemeente: string;
  toewijzingNummer: number;
}

function scoped(scope: Scope): SQL | undefined {
  const sides = [
    scope.gemeenten.length ? inArray(assignments.gemeente, scope.gemeenten) : undefined,
    scope.aanbieders.length ? inArray(assignments.aanbieder, scope.aanbieders) : undefined,
  ].filter((s) => s !== undefined);
  return sides.length ? or(...sides) : undefined;
}

/** `next_deadline` is the earliest open due date: before today means at least one open deadline passed. */
function overdueOn(today: string, overdue: boolean): SQL {
  return overdue
    ? sql`${assignments.nextDeadline} < ${today}::date`
    : sql`(${assignments.nextDeadline} is null or ${assignments.nextDeadline} >= ${today}::date)`;
}

export async function listAssignments(
  db: Database,
  scope: Scope,
  filter: AssignmentFilter,
  page: { limit: number; today: string; after?: AssignmentPosition },
): Promise<{ items: AssignmentRow[]; next?: AssignmentPosition }> {
  const inScope = scoped(scope);
  if (!inScope) return { items: [] };
  const conditions = [
    inScope,
    filter.status && eq(assignments.status, filter.status),
    filter.overdue !== undefined && overdueOn(page.today, filter.overdue),
    filter.gemeente && eq(assignments.gemeente, filter.gemeente),
    filter.aanbieder && eq(assignments.aanbieder, filter.aanbieder),
    page.after &&
      sql`(${assignments.gemeente}, ${assignments.toewijzingNummer}) > (${page.after.gemeente}, ${page.after.toewijzingNummer})`,
  ].filter((c): c is SQL => !!c);
  const rows = await db
    .select()
    .from(assignments)
    .where(and(...conditions))
    .orderBy(asc(assignments.gemeente), asc(assignments.toewijzingNummer))
    .limit(page.limit + 1);
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  const next =
    rows.length > page.limit && last
      ? { gemeente: last.gemeente, toewijzingNummer: last.toewijzingNummer }
      : undefined;
  return next ? { items, next } : { items };
}

// ---- open deadlines across assignments ----

type OpenDeadline = AssignmentRow['openDeadlines'][number];

export interface DeadlineFilter {
  overdue?: boolean;
  owner?: 'aanbieder' | 'gemeente';
  gemeente?: string;
  aanbieder?: string;
}

export interface DeadlineRecord extends OpenDeadline {
  workflowId: string;
  gemeente: string;
  /** Protocol profile of the assignment: its calendar counts the working days. */
  profile: string;
  aanbieder: string;
  toewijzingNummer: number;
}

/** Position after the last row of a deadlines page: earliest due first, then workflow and deadline id. */
export interface DeadlinePosition {
  due: string;
  workflowId: string;
  id: string;
}

/** One row per open deadline of every assignment in scope (assignments.open_deadlines unnested). */
export async function listDeadlines(
  db: Database,
  scope: Scope,
  filter: DeadlineFilter,
  page: { limit: number; today: string; after?: DeadlinePosition },
): Promise<{ items: DeadlineRecord[]; next?: DeadlinePosition }> {
  const inScope = scoped(scope);
  if (!inScope) return { items: [] };
  const element = db
    .select({ d: sql<OpenDeadline>`e.value`.as('d') })
    .from(sql`jsonb_array_elements(${assignments.openDeadlines}) as e`)
    .as('dl');
  const field = (name: keyof OpenDeadline) => sql<string>`(${element.d} ->> ${sql.raw(`'${name}'`)})`;
  const conditions = [
    inScope,
    filter.overdue === true && sql`${field('due')} < ${page.today}`,
    filter.overdue === false && sql`${field('due')} >= ${page.today}`,
    filter.owner && sql`${field('owner')} = ${filter.owner}`,
    filter.gemeente && eq(assignments.gemeente, filter.gemeente),
    filter.aanbieder && eq(assignments.aanbieder, filter.aanbieder),
    page.after &&
      sql`(${field('due')}, ${assignments.workflowId}, ${field('id')}) > (${page.after.due}, ${page.after.workflowId}, ${page.after.id})`,
  ].filter((c): c is SQL => !!c);
  const rows = await db
    .select({
      workflowId: assignments.workflowId,
      gemeente: assignments.gemeente,
      aanbieder: assignments.aanbieder,
      toewijzingNummer: assignments.toewijzingNummer,
      profile: assignments.profile,
      deadline: element.d,
    })
    .from(assignments)
    .crossJoinLateral(element)
    .where(and(...conditions))
    .orderBy(field('due'), asc(assignments.workflowId), field('id'))
    .limit(page.limit + 1);
  const items = rows.slice(0, page.limit).map(({ deadline, ...a }) => ({ ...deadline, ...a }));
  const last = items.at(-1);
  const next =
    rows.length > page.limit && last
      ? { due: last.due, workflowId: last.workflowId, id: last.id }
      : undefined;
  return next ? { items, next } : { items };
}
