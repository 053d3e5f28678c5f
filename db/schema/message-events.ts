import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/*
 * The status history of every message in and out: one row per status a message reaches (inbox
 * received → routed | rejected; outbox pending → sent | failed), written in the same transaction as
 * the status itself, so the archive can show when and why a message moved. No foreign key: the id
 * points into inbox_messages or outbox_messages, as `direction` says. `detail` holds rule ids, workflow
 * ids, traceerIds and transport errors — never payload content (no BSN, no name).
 */

export const messageDirection = ['in', 'out'] as const;
export type MessageDirection = (typeof messageDirection)[number];

export const messageEvents = pgTable(
  'message_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    messageId: uuid('message_id').notNull(),
    direction: text('direction', { enum: messageDirection }).notNull(),
    status: text('status').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
  },
  (t) => [index('message_events_message_idx').on(t.messageId, t.at)],
);
