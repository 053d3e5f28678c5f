import { claimPeriods, type Database } from '../db';
import { guardDatabase } from './db-errors';
import type { ClaimPeriodInput } from './types';

export function createClaimActivities({ db }: { db: Database }) {
  return guardDatabase({
    /**
     * The claim hook at a billing period's end: records that this assignment delivered care in the period,
     * so the claims process can declare it. Idempotent: the same period twice is one row.
     */
    async openClaimPeriod(input: ClaimPeriodInput): Promise<void> {
      await db
        .insert(claimPeriods)
        .values({
          workflowId: input.workflowId,
          gemeente: input.gemeente,
          aanbieder: input.aanbieder,
          toewijzingNummer: input.toewijzingNummer,
          calendar: input.calendar,
          periodStart: input.start,
          periodEnd: input.end,
        })
        .onConflictDoNothing();
    },
  });
}
