import { boolean, date, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

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
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('assignments_gemeente_idx').on(t.gemeente),
    index('assignments_aanbieder_idx').on(t.aanbieder),
    index('assignments_overdue_idx').on(t.overdue),
  ],
);
