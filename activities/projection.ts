import { sql } from 'drizzle-orm';
import { assignments, type Database } from '../db';
import { guardDatabase } from './db-errors';
import type { AssignmentProjection } from './types';

export function createProjectionActivities({ db }: { db: Database }) {
  return guardDatabase({
    /**
     * Upsert by workflow id: a retried activity writes the same row again, never a second one, and a
     * late retry of an older revision never overwrites a newer one.
     */
    async recordAssignment(row: AssignmentProjection): Promise<void> {
      const values = { ...row, nextDeadline: row.nextDeadline ?? null, updatedAt: new Date() };
      await db
        .insert(assignments)
        .values(values)
        .onConflictDoUpdate({
          target: assignments.workflowId,
          set: values,
          setWhere: sql`${assignments.revision} <= excluded.revision`,
        });
    },
  });
}
