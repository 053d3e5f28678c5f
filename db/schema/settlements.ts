import { bigint, date, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/*
 * The money end of an assignment (issue 15): its final settlement once every line is awarded, credited or
 * given up, and the payments the provider records against it. Written by the assignment's activities
 * (activities/claims/settlement.ts), keyed so a retried activity writes nothing twice: one settlement per
 * assignment workflow, one payment per eventId. Codes, amounts and dates only; no personal data.
 */

/** The webhook notice of a settlement: delivered, refused/out of attempts, or nobody to send it to. */
export const settlementNoticeStatus = ['pending', 'delivered', 'failed', 'no-endpoint'] as const;

export const settlements = pgTable(
  'settlements',
  {
    workflowId: text('workflow_id').primaryKey(),
    gemeente: text('gemeente').notNull(),
    aanbieder: text('aanbieder').notNull(),
    toewijzingNummer: integer('toewijzing_nummer').notNull(),
    /** The day it was recorded (Europe/Amsterdam). */
    settledOn: date('settled_on').notNull(),
    /** Net awarded cents (debits − credits). */
    totaal: bigint('totaal', { mode: 'number' }).notNull(),
    paymentDue: date('payment_due'),
    noticeStatus: text('notice_status', { enum: settlementNoticeStatus }).notNull().default('pending'),
    noticeAttempts: integer('notice_attempts').notNull().default(0),
    noticeError: text('notice_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('settlements_gemeente_idx').on(t.gemeente, t.toewijzingNummer)],
);

export const settlementLines = pgTable(
  'settlement_lines',
  {
    workflowId: text('workflow_id')
      .notNull()
      .references(() => settlements.workflowId, { onDelete: 'cascade' }),
    referentieNummer: text('referentie_nummer').notNull(),
    debetCredit: text('debet_credit', { enum: ['D', 'C'] }).notNull(),
    /** Cents, unsigned. */
    bedrag: bigint('bedrag', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workflowId, t.referentieNummer] })],
);

/**
 * A payment received for an assignment; eventId is the caller's key per assignment (the Update's id): the
 * same payment twice is one row, and two tenants' eventIds never meet.
 */
export const payments = pgTable(
  'payments',
  {
    eventId: text('event_id').notNull(),
    workflowId: text('workflow_id').notNull(),
    gemeente: text('gemeente').notNull(),
    aanbieder: text('aanbieder').notNull(),
    betaaldatum: date('betaaldatum').notNull(),
    /** Cents, > 0. */
    bedrag: bigint('bedrag', { mode: 'number' }).notNull(),
    kenmerk: text('kenmerk'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workflowId, t.eventId] })],
);
