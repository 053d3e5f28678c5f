import {
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

/**
 * pending: deliveries outstanding (a failed attempt will be retried); delivered: every recipient with an
 * endpoint got it; failed: a recipient refused it or attempts ran out; no-endpoint: no recipient has
 * a webhook configured; resolved: the deadline was met afterwards.
 */
export const escalationStatus = ['pending', 'delivered', 'failed', 'no-endpoint', 'resolved'] as const;
export type EscalationStatus = (typeof escalationStatus)[number];

/** A missed deadline reported to the responsible party; one row per (workflow, deadline). */
export const escalations = pgTable(
  'escalations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    idempotencyKey: text('idempotency_key').notNull(),
    workflowId: text('workflow_id').notNull(),
    gemeente: text('gemeente').notNull(),
    aanbieder: text('aanbieder').notNull(),
    toewijzingNummer: integer('toewijzing_nummer').notNull(),
    /** Deadline that was missed: action, rule reference (e.g. OP090) and owner. */
    action: text('action').notNull(),
    rule: text('rule').notNull(),
    owner: text('owner', { enum: ['aanbieder', 'gemeente'] }).notNull(),
    dueDate: date('due_date').notNull(),
    /** Working days past due when it was escalated. */
    lateWorkingDays: integer('late_working_days').notNull(),
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
    index('escalations_aanbieder_idx').on(t.aanbieder),
    index('escalations_status_idx').on(t.status),
    index('escalations_created_idx').on(t.createdAt, t.id),
  ],
);

/**
 * retrying: the last attempt failed and will be retried; failed: refused (4xx) or out of attempts;
 * no-endpoint: nobody configured a webhook for this party and code — recorded, not an error.
 */
export const deliveryStatus = ['pending', 'retrying', 'delivered', 'failed', 'no-endpoint'] as const;
export type DeliveryStatus = (typeof deliveryStatus)[number];

/** What a delivery carries: the escalation itself, or the notice that its deadline was met after all. */
export const deliveryKind = ['escalation', 'resolution'] as const;
export type DeliveryKind = (typeof deliveryKind)[number];

/** One recipient of one escalation (or of its resolution): a delivered recipient is never sent to again. */
export const escalationDeliveries = pgTable(
  'escalation_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    escalationId: uuid('escalation_id')
      .notNull()
      .references(() => escalations.id, { onDelete: 'cascade' }),
    party: text('party', { enum: ['aanbieder', 'gemeente'] }).notNull(),
    kind: text('kind', { enum: deliveryKind }).notNull().default('escalation'),
    /** AGB code or CBS gemeentecode of the party; selects the webhook endpoint. */
    code: text('code').notNull(),
    status: text('status', { enum: deliveryStatus }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** HTTP status of the last attempt; null when it never got one (connection refused, timeout). */
    lastStatusCode: integer('last_status_code'),
    /** Our own description of the last failure (status or network error code), never response content. */
    lastError: text('last_error'),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('escalation_deliveries_recipient_kind_uq').on(t.escalationId, t.party, t.kind)],
);
