import { ApplicationFailure } from '@temporalio/common';
import { eq } from 'drizzle-orm';
import { type Database, inboxMessages } from '../db';
import { type Finding, isValidDate } from '../iwmo';
import { guardDatabase } from './db-errors';
import { retourCodeFindings } from './messaging/build';
import { inlineCodec, type MessageCodec } from './messaging/codec';
import { findOutbox, nextIdentificatie, retourKey, retourLinks, writeOutbox } from './messaging/outbox';
import type { SendMessageInput, SendMessageResult } from './types';

/*
 * sendMessage: the XML for a message the workflow made owed, stored in the outbox with status 'pending'
 * (the poller's sender, activities/delivery.ts, hands it to the transport). Client data (BSN, name, birth date)
 * comes from the stored 301, never from the workflow. iwmo/encode refuses a message that breaks a rule;
 * that is a non-retryable failure naming the rules and paths, never the content.
 */

export interface MessageActivityDeps {
  db: Database;
  /** Where the XML work runs; default in this thread (give the app's worker-thread pool). */
  codec?: MessageCodec;
}

/** Error type of a refused message: retrying cannot help, the workflow must decide. */
export const messageRefusedType = 'MessageRefused';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function refuse(message: string): never {
  throw ApplicationFailure.nonRetryable(message, messageRefusedType);
}

/** "WMO305 refused: CS058 at /Bericht/…: <standard's text>; …" — rules and paths only. */
function describeFindings(type: string, findings: Finding[]): string {
  const listed = findings.slice(0, 5).map((f) => `${f.rule} at ${f.path}: ${f.message}`);
  const more = findings.length > 5 ? `; and ${findings.length - 5} more` : '';
  return `${type} refused: ${listed.join('; ')}${more}`;
}

interface StoredHeen {
  payload: string;
  traceerId: string | null;
  conversatieId: string | null;
}

async function storedHeen(db: Database, id: string): Promise<StoredHeen> {
  if (!uuidPattern.test(id)) refuse(`inbox message id '${id}' is not a uuid`);
  const [row] = await db
    .select({
      payload: inboxMessages.payload,
      messageType: inboxMessages.messageType,
      traceerId: inboxMessages.traceerId,
      conversatieId: inboxMessages.conversatieId,
    })
    .from(inboxMessages)
    .where(eq(inboxMessages.id, id));
  if (!row) refuse(`inbox message ${id} does not exist`);
  if (row.messageType !== 'WMO301') refuse(`inbox message ${id} is a ${row.messageType}, not a WMO301`);
  return row;
}

export function createMessageActivities({ db, codec = inlineCodec }: MessageActivityDeps) {
  return guardDatabase({
    /**
     * Idempotent by `idempotencyKey` — except a 302, which is keyed by the 301 it answers (retourKey),
     * so several workflows fed by one 301 write one 302 between them.
     */
    async sendMessage(input: SendMessageInput): Promise<SendMessageResult> {
      const { message } = input;
      if (!isValidDate(input.dagtekening)) refuse(`dagtekening '${input.dagtekening}' is not YYYY-MM-DD`);
      const key = message.type === 'WMO302' ? retourKey(message.heenMessageId) : input.idempotencyKey;
      if (!key) refuse('idempotencyKey is empty');
      const existing = await findOutbox(db, key);
      if (existing) return existing;

      const heenId = message.type === 'WMO302' ? message.heenMessageId : message.toewijzingMessageId;
      const heen = await storedHeen(db, heenId);
      const heenXml = heen.payload;
      const meta = {
        identificatie: await nextIdentificatie(db, message.type.slice(3)),
        dagtekening: input.dagtekening,
      };
      const built =
        message.type === 'WMO302'
          ? await codec.retour(heenXml, retourCodeFindings(message.retourCodes), meta)
          : await codec.startStop(heenXml, message, meta);
      if (!built.ok) refuse(describeFindings(message.type, built.findings));
      return writeOutbox(db, {
        idempotencyKey: key,
        workflowId: input.workflowId,
        messageType: built.type,
        afzender: built.afzender,
        ontvanger: built.ontvanger,
        identificatie: meta.identificatie,
        payload: built.xml,
        // A 302 answers the 301 on the transport too; a 305/307 starts a conversation of its own.
        ...(message.type === 'WMO302' ? retourLinks(heen) : {}),
      });
    },
  });
}
