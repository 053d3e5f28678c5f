import {
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/*
 * The provider's requests (315/317). `request_documents` holds what POST /v1/requests accepted — the
 * request JSON with BSN, name and birth date — the only place besides the outbox that does: the request
 * workflow knows a document only by its id (payloadRef), and the send activity builds the XML from it.
 * `requests` is the read model of the request workflows, keys and codes only, for the list route.
 */

export const requestDocuments = pgTable(
  'request_documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    soort: text('soort', { enum: ['315', '317'] }).notNull(),
    aanbieder: text('aanbieder').notNull(),
    gemeente: text('gemeente').notNull(),
    /** The request JSON (iwmo/request-builder.ts VerzoekJson): personal data, never logged. */
    document: jsonb('document').$type<unknown>().notNull(),
    /** 317: the current toewijzingen the builder checked it against (TR349–TR351), kept for the resend. */
    huidigeToewijzingen: jsonb('huidige_toewijzingen').$type<unknown[]>(),
    /** The caller's key of the POST or resend that stored it: a retry finds this row. */
    eventId: text('event_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('request_documents_aanbieder_event_uq').on(t.aanbieder, t.eventId)],
);

export const requests = pgTable(
  'requests',
  {
    /** verzoek:{aanbieder}:{ReferentieAanbieder} */
    workflowId: text('workflow_id').primaryKey(),
    kind: text('kind', { enum: ['315', '317'] }).notNull(),
    aanbieder: text('aanbieder').notNull(),
    gemeente: text('gemeente').notNull(),
    referentieAanbieder: text('referentie_aanbieder').notNull(),
    /** Opaque client reference (keyed hash), never the BSN. */
    clientRef: text('client_ref').notNull(),
    status: text('status').notNull(),
    overdue: boolean('overdue').notNull().default(false),
    /** Last day of the earliest open deadline (null when none is open). */
    nextDeadline: date('next_deadline'),
    profile: text('profile').notNull(),
    /** The assignment workflows the honouring 301 started or changed. */
    assignmentWorkflowIds: jsonb('assignment_workflow_ids').$type<string[]>().notNull().default([]),
    revision: integer('revision').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('requests_aanbieder_idx').on(t.aanbieder),
    index('requests_gemeente_idx').on(t.gemeente),
    index('requests_status_idx').on(t.status),
  ],
);
