import { and, asc, eq, gt, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../client';
import { claimBatchAnswers, claimBatches, claimBatchLines } from '../schema';

/*
 * Claims batches as the API lists and shows them (api/claims.ts), from the rows the batch's activities
 * write (claim_batches once its 323 went out, claim_batch_lines, claim_batch_answers). Scoped like the
 * assignments: a caller sees a batch of its aanbieder or of its gemeente, nothing else.
 */

export interface ClaimsScope {
  aanbieders: string[];
  gemeenten: string[];
}

export interface BatchFilter {
  /** 'YYYY-MM'. */
  maand?: string;
  gemeente?: string;
  status?: 'ingediend' | 'beoordeeld' | 'niet-verwerkt';
}

export type BatchRow = typeof claimBatches.$inferSelect;

function scoped(scope: ClaimsScope): SQL | undefined {
  const parts = [
    scope.aanbieders.length ? inArray(claimBatches.aanbieder, scope.aanbieders) : undefined,
    scope.gemeenten.length ? inArray(claimBatches.gemeente, scope.gemeenten) : undefined,
  ].filter((p): p is SQL => p !== undefined);
  return parts.length ? or(...parts) : undefined;
}

/** One page by workflow id (keyset `after`); `next` is the last id when more may follow. */
export async function listBatches(
  db: Database,
  scope: ClaimsScope,
  f: BatchFilter,
  page: { limit: number; after?: string },
): Promise<{ items: BatchRow[]; next?: string }> {
  const inScope = scoped(scope);
  if (!inScope) return { items: [] };
  const rows = await db
    .select()
    .from(claimBatches)
    .where(
      and(
        inScope,
        f.maand ? eq(claimBatches.maand, `${f.maand}-01`) : undefined,
        f.gemeente ? eq(claimBatches.gemeente, f.gemeente) : undefined,
        f.status ? eq(claimBatches.status, f.status) : undefined,
        page.after ? gt(claimBatches.workflowId, page.after) : undefined,
      ),
    )
    .orderBy(asc(claimBatches.workflowId))
    .limit(page.limit + 1);
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  return rows.length > page.limit && last ? { items, next: last.workflowId } : { items };
}

/** A batch's row, lines and answers, or undefined when it has no row (its 323 did not go out yet). */
export async function batchDetail(db: Database, workflowId: string) {
  const [batch] = await db.select().from(claimBatches).where(eq(claimBatches.workflowId, workflowId));
  if (!batch) return undefined;
  const [lines, answers] = await Promise.all([
    db
      .select()
      .from(claimBatchLines)
      .where(eq(claimBatchLines.batchWorkflowId, workflowId))
      .orderBy(asc(claimBatchLines.referentieNummer)),
    db
      .select()
      .from(claimBatchAnswers)
      .where(eq(claimBatchAnswers.batchWorkflowId, workflowId))
      .orderBy(asc(claimBatchAnswers.createdAt), sql`${claimBatchAnswers.inboxMessageId}`),
  ]);
  return { batch, lines, answers };
}
