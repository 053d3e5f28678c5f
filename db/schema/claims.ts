import { date, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/*
 * Billing periods in which an assignment delivered care, handed over by the assignment workflow when the
 * period ends. The claims process (323/325) picks them up from here; keys and codes only.
 */
export const claimPeriods = pgTable(
  'claim_periods',
  {
    workflowId: text('workflow_id').notNull(),
    gemeente: text('gemeente').notNull(),
    aanbieder: text('aanbieder').notNull(),
    toewijzingNummer: integer('toewijzing_nummer').notNull(),
    /** 'month' (iWmo 3.2) or 'cak4w' (legacy contracts). */
    calendar: text('calendar', { enum: ['month', 'cak4w'] }).notNull(),
    periodStart: date('period_start').notNull(),
    periodEnd: date('period_end').notNull(),
    status: text('status', { enum: ['open', 'declared', 'settled'] })
      .notNull()
      .default('open'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('claim_periods_workflow_period_uq').on(t.workflowId, t.periodStart),
    index('claim_periods_aanbieder_gemeente_idx').on(t.aanbieder, t.gemeente, t.periodEnd),
  ],
);
