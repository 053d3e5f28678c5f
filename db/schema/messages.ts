import { sql } from 'drizzle-orm';
import {
  customType,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/*
 * Every iWmo message that crosses the boundary is stored before anything else happens to it, so
 * nothing is ever lost: an inbox message that cannot be parsed or routed stays here with its reason.
 * Payloads contain personal data (BSN, name, address); they live only in these columns, never in logs.
 */

export const inboxStatus = ['received', 'routed', 'rejected'] as const;

/** PostgreSQL bytea as a Buffer: bytes kept exactly as they came (drizzle's pg-core has no bytea). */
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array | string }>({
  dataType: () => 'bytea',
  toDriver: (value) => value,
  fromDriver: (value) => {
    if (typeof value === 'string') return Buffer.from(value.replace(/^\\x/, ''), 'hex');
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  },
});

export const inboxMessages = pgTable(
  'inbox_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /**
     * Transport's id of the message (VECOZO traceerId, StUF referentienummer); dedupes re-deliveries.
     * Null when the transport has none (a POST to the API): the payload hash dedupes those.
     */
    traceerId: text('traceer_id'),
    transport: text('transport').notNull(),
    conversatieId: text('conversatie_id'),
    /** The transport's id of the message this one answers (a retour's heen), when the transport says. */
    alsAntwoordOp: text('als_antwoord_op'),
    /** 'WMO301' … 'WMO325' once detected; null when the payload could not even be identified. */
    messageType: text('message_type'),
    afzender: text('afzender'),
    ontvanger: text('ontvanger'),
    /** The XML text; '' when the bytes are not UTF-8 text (then `rawPayload` holds them). */
    payload: text('payload').notNull(),
    /**
     * The bytes as received, when `payload` cannot reproduce them: not UTF-8, a U+0000 (PostgreSQL's text
     * refuses it), a UTF-16 body, or a UTF-8 byte order mark (the text is without it). Null otherwise:
     * then the UTF-8 bytes of `payload` are the bytes received.
     */
    rawPayload: bytea('raw_payload'),
    /** SHA-256 (hex) of the bytes as received: the same message delivered again is recognised by it. */
    payloadSha256: text('payload_sha256').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    /** BerichtIdentificatie/Identificatie, once the header could be read. */
    identificatie: text('identificatie'),
    /** API key id that posted it (transport 'api'); lets the sender see a message whose header is unreadable. */
    submittedBy: text('submitted_by'),
    status: text('status', { enum: inboxStatus }).notNull().default('received'),
    /** Why it was rejected: rule id, retour code and path per finding — never payload content. */
    findings: jsonb('findings').$type<unknown[]>(),
    /** Workflow the message was routed to, e.g. wmo:1916:12345. */
    routedTo: text('routed_to'),
    /** What receiving it did (per toewijzing), so a re-delivery is answered the same without routing twice. */
    outcome: jsonb('outcome').$type<unknown>(),
    /** Set while one process decodes and routes it; a stale claim (crash) lets a re-delivery take over. */
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('inbox_messages_transport_traceer_uq').on(t.transport, t.traceerId),
    uniqueIndex('inbox_messages_payload_sha256_uq').on(t.payloadSha256),
    index('inbox_messages_status_idx').on(t.status),
    // TR056: an earlier 301 of the same sender with the same Identificatie.
    index('inbox_messages_identificatie_idx').on(t.afzender, t.messageType, t.identificatie),
    // The sweep of stranded rows (resumeStranded): only unfinished rows are in it.
    index('inbox_messages_unfinished_idx').on(t.receivedAt).where(sql`${t.outcome} is null`),
  ],
);

/**
 * Source of BerichtIdentificatie/Identificatie for every message we send. One sequence for all types and
 * senders is unique per type per sender (TR056) a fortiori; gaps (a rolled-back or duplicate write) are
 * harmless.
 */
export const outboxIdentificatieSeq = pgSequence('outbox_identificatie_seq', { startWith: 1 });

export const outboxStatus = ['pending', 'sent', 'failed'] as const;

export const outboxMessages = pgTable(
  'outbox_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Derived from workflow id + step: a retried activity finds its earlier row instead of sending twice. */
    idempotencyKey: text('idempotency_key').notNull(),
    messageType: text('message_type').notNull(),
    afzender: text('afzender').notNull(),
    ontvanger: text('ontvanger').notNull(),
    /** BerichtIdentificatie/Identificatie (≤ 12 chars, unique per type per sender, TR056). */
    identificatie: text('identificatie').notNull(),
    payload: text('payload').notNull(),
    status: text('status', { enum: outboxStatus }).notNull().default('pending'),
    /**
     * Transport id (uuid v4), recorded before the first send attempt: a resend after a crash or timeout
     * uses the same one, so the transport recognises it (BRS114) instead of taking a second copy.
     */
    traceerId: text('traceer_id'),
    /** A heen message's own traceerId; a retour's is the heen's conversatieId (CC05). Set with traceerId. */
    conversatieId: text('conversatie_id'),
    /** For a retour: the traceerId of the received heen message it answers, when that came over a transport. */
    alsAntwoordOp: text('als_antwoord_op'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    workflowId: text('workflow_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('outbox_messages_idempotency_uq').on(t.idempotencyKey),
    uniqueIndex('outbox_messages_identificatie_uq').on(t.afzender, t.messageType, t.identificatie),
    index('outbox_messages_status_idx').on(t.status),
  ],
);
