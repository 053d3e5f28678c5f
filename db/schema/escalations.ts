import { date, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const escalationStatus = ['pending', 'delivered', 'failed', 'resolved'] as const;

/** A missed deadline reported to the responsible party; one row per (workflow, deadline). */
export const escalations = pgTable(
  'escalations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    idempotencyKey: text('idempotency_key').notNull(),
    workflowId: text('workflow_id').notNull(),
    gemeente: text('gemeente').notNull(),
    aanbieder: text('aanbieder').notNull(),
    /** Deadline that was missed: action, rule reference (e.g. OP090) and owner. */
    action: text('action').notNull(),
    rule: text('rule').notNull(),
    owner: text('owner', { enum: ['aanbieder', 'gemeente'] }).notNull(),
    dueDate: date('due_date').notNull(),
    recipients: jsonb('recipients').$type<string[]>().notNull(),
    status: text('status', { enum: escalationStatus }).notNull().default('pending'),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('escalations_idempotency_uq').on(t.idempotencyKey),
    index('escalations_gemeente_idx').on(t.gemeente),
    index('escalations_status_idx').on(t.status),
  ],
);
