import { assignments, type Database } from '../db';

/** One assignment's row in the read model; codes and keys only, never a BSN or name. */
export interface AssignmentProjection {
  workflowId: string;
  gemeente: string;
  toewijzingNummer: number;
  aanbieder: string;
  clientRef: string;
  productCategorie?: string;
  productCode?: string;
  ingangsdatum: string;
  einddatum?: string;
  profile: string;
  status: string;
  overdue: boolean;
}

export function createProjectionActivities({ db }: { db: Database }) {
  return {
    /** Upsert by workflow id: a retried activity writes the same row again, never a second one. */
    async recordAssignment(row: AssignmentProjection): Promise<void> {
      const values = { ...row, updatedAt: new Date() };
      await db
        .insert(assignments)
        .values(values)
        .onConflictDoUpdate({ target: assignments.workflowId, set: values });
    },
  };
}
