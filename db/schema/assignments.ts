import { boolean, date, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/*
 * Read model of the assignment workflows, written by an activity on every state change, so lists
 * ("all overdue assignments of gemeente 1916") come from here while one assignment's live state
 * comes from a workflow query. Keys and codes only: the client is a reference, never a BSN.
 */
export const assignments = pgTable(
  'assignments',
  {
    /** wmo:{gemeente}:{toewijzingNummer} */
    workflowId: text('workflow_id').primaryKey(),
    gemeente: text('gemeente').notNull(),
    toewijzingNummer: integer('toewijzing_nummer').notNull(),
    aanbieder: text('aanbieder').notNull(),
    /** Opaque client reference (e.g. a keyed hash), never the BSN itself. */
    clientRef: text('client_ref').notNull(),
    productCategorie: text('product_categorie'),
    productCode: text('product_code'),
    ingangsdatum: date('ingangsdatum').notNull(),
    einddatum: date('einddatum'),
    profile: text('profile').notNull(),
    status: text('status').notNull(),
    overdue: boolean('overdue').notNull().default(false),
    /** Grows with every state change of the workflow: an older write never overwrites a newer one. */
    revision: integer('revision').notNull().default(0),
    /** Last day of the earliest open deadline (null when none is open). */
    nextDeadline: date('next_deadline'),
    /** Open deadlines: action, owner, rule, due date, escalated — for lists across assignments. */
    openDeadlines: jsonb('open_deadlines')
      .$type<{ id: string; action: string; owner: string; rule: string; due: string; escalated: boolean }[]>()
      .notNull()
      .default([]),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('assignments_gemeente_idx').on(t.gemeente),
    index('assignments_aanbieder_idx').on(t.aanbieder),
    index('assignments_overdue_idx').on(t.overdue),
    index('assignments_next_deadline_idx').on(t.nextDeadline),
  ],
);
