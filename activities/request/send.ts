import { ApplicationFailure } from '@temporalio/common';
import { eq } from 'drizzle-orm';
import {
  requestMessageRefusedType,
  type SendRequestMessageInput,
  type SendRequestMessageResult,
} from '../../contract/request/activities';
import { type Database, inboxMessages, outboxMessages } from '../../db';
import { findRequestDocument } from '../../db/queries/requests';
import {
  buildVerzoek,
  decodeHeader,
  encode,
  type Finding,
  type HuidigeToewijzing,
  isValidDate,
} from '../../iwmo';
import { retourCodeFindings } from '../messaging/build';
import type { MessageCodec } from '../messaging/codec';
import { nextIdentificatie, retourLinks, writeOutbox } from '../messaging/outbox';

/*
 * sendRequestMessage: the 315/317 built from the stored request document (iwmo/buildVerzoek, the BSN,
 * name and birth date read from the document here, never from the workflow) or the 320 on a stored 319,
 * written to the outbox like a 305/307 so the sender delivers it. Idempotent by key: the workflows of one
 * 315's products share `verzoek:{payloadRef}` and so one message; the loser gets the winner's row back.
 * A refusal names rules and paths, never content.
 */

function refuse(message: string): never {
  throw ApplicationFailure.nonRetryable(message, requestMessageRefusedType);
}

function describe(type: string, findings: Finding[]): string {
  const listed = findings.slice(0, 5).map((f) => `${f.rule} at ${f.path}`);
  return `${type} refused: ${listed.join('; ')}${findings.length > 5 ? `; and ${findings.length - 5} more` : ''}`;
}

/** An outbox row already written under this key, with the dagtekening its XML carries. */
async function existing(db: Database, key: string): Promise<SendRequestMessageResult | undefined> {
  const [row] = await db
    .select({
      id: outboxMessages.id,
      identificatie: outboxMessages.identificatie,
      payload: outboxMessages.payload,
    })
    .from(outboxMessages)
    .where(eq(outboxMessages.idempotencyKey, key));
  if (!row) return undefined;
  const header = decodeHeader(row.payload);
  const dagtekening = header.ok ? header.value.header.BerichtIdentificatie.Dagtekening : '';
  return { outboxId: row.id, identificatie: row.identificatie, dagtekening, duplicate: true };
}

async function buildRequestXml(db: Database, payloadRef: string, type: 'WMO315' | 'WMO317', meta: Meta) {
  const doc = await findRequestDocument(db, payloadRef);
  if (!doc) refuse(`request document ${payloadRef} does not exist`);
  if (`WMO${doc.soort}` !== type) refuse(`request document ${payloadRef} is a ${doc.soort}, not a ${type}`);
  const built = buildVerzoek(doc.document, {
    ...meta,
    ...(doc.huidigeToewijzingen
      ? { huidigeToewijzingen: doc.huidigeToewijzingen as HuidigeToewijzing[] }
      : {}),
  });
  if (!built.ok) refuse(describe(type, built.findings));
  const encoded = encode(built.message);
  if (!encoded.ok) refuse(describe(type, encoded.findings));
  return { xml: encoded.xml, afzender: doc.aanbieder, ontvanger: doc.gemeente, links: {} };
}

interface Meta {
  identificatie: string;
  dagtekening: string;
}

async function build320(db: Database, codec: MessageCodec, heenId: string, codes: string[], meta: Meta) {
  const [heen] = await db
    .select({
      payload: inboxMessages.payload,
      messageType: inboxMessages.messageType,
      traceerId: inboxMessages.traceerId,
      conversatieId: inboxMessages.conversatieId,
    })
    .from(inboxMessages)
    .where(eq(inboxMessages.id, heenId));
  if (!heen) refuse(`inbox message ${heenId} does not exist`);
  if (heen.messageType !== 'WMO319') refuse(`inbox message ${heenId} is a ${heen.messageType}, not a WMO319`);
  const built = await codec.retour(heen.payload, retourCodeFindings(codes), meta);
  if (!built.ok) refuse(describe('WMO320', built.findings));
  return { xml: built.xml, afzender: built.afzender, ontvanger: built.ontvanger, links: retourLinks(heen) };
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function sendRequestMessage(
  db: Database,
  codec: MessageCodec,
  input: SendRequestMessageInput,
): Promise<SendRequestMessageResult> {
  const { message } = input;
  if (!isValidDate(input.dagtekening)) refuse(`dagtekening '${input.dagtekening}' is not YYYY-MM-DD`);
  if (!input.idempotencyKey) refuse('idempotencyKey is empty');
  const ref = message.type === 'WMO320' ? message.heenMessageId : message.payloadRef;
  if (!uuidPattern.test(ref)) refuse(`'${ref.slice(0, 40)}' is not a uuid`);
  const earlier = await existing(db, input.idempotencyKey);
  if (earlier) return earlier;
  const meta = {
    identificatie: await nextIdentificatie(db, message.type.slice(3)),
    dagtekening: input.dagtekening,
  };
  const built =
    message.type === 'WMO320'
      ? await build320(db, codec, message.heenMessageId, message.retourCodes, meta)
      : await buildRequestXml(db, message.payloadRef, message.type, meta);
  const written = await writeOutbox(db, {
    idempotencyKey: input.idempotencyKey,
    workflowId: input.workflowId,
    messageType: message.type,
    afzender: built.afzender,
    ontvanger: built.ontvanger,
    identificatie: meta.identificatie,
    payload: built.xml,
    ...built.links,
  });
  // Another workflow of the same 315 won the race: its row, and the dagtekening its XML carries.
  if (written.duplicate)
    return (await existing(db, input.idempotencyKey)) ?? { ...written, dagtekening: meta.dagtekening };
  return { ...written, dagtekening: meta.dagtekening };
}
