import { createHash } from 'node:crypto';
import type { Database } from '../../db';
import { isAgbCode, isGemeenteCode } from '../../iwmo/identifiers';
import { messageTypeOf } from '../../transport/berichtstroom';
import type { FetchedEnvelope } from '../../transport/types';
import { claimUnfinished, finishInbound, storeInbound } from './inbox';
import type { Stored, StoredFinding } from './outcome';

/*
 * A fetched message whose payload cannot be had (VECOZO keeps it one day after the first download; a file
 * above the size limit is not downloaded). It still gets an inbox row, rejected with the reason, before
 * the poller confirms it: confirming removes it from the mailbox, so without the row nothing would show
 * it ever came. The row holds no content (payload ''), only the transport's ids and what it announced.
 */

export const payloadUnavailableRule = 'PAYLOAD-UNAVAILABLE';

export type UnavailableMessage = Pick<
  FetchedEnvelope,
  'traceerId' | 'conversatieId' | 'alsAntwoordOp' | 'afzender' | 'berichtstroom' | 'size'
> & { transport: string; reason: 'not-found' | 'too-large' };

export interface UnavailableOutcome {
  messageId: string;
  duplicate: boolean;
  /** Another process holds the row and has not finished it: do not confirm yet. */
  beingProcessed?: boolean;
}

const texts = {
  'not-found': {
    message: 'Payload niet (meer) beschikbaar bij het transport',
    hint: 'VECOZO keeps a payload one day after its first download; ask the sender to send the message again.',
  },
  'too-large': {
    message: 'Payload groter dan de ontvanger downloadt',
    hint: 'Split the content over several messages; the standard advises at most 25 MB per file (OP179).',
  },
} as const;

function findingFor(m: UnavailableMessage): StoredFinding {
  const { message, hint } = texts[m.reason];
  return {
    rule: payloadUnavailableRule,
    path: '/',
    message: `${message} (${m.size} bytes aangekondigd)`,
    hint,
  };
}

/**
 * A key for the payload-hash column, which must be unique: there are no bytes to hash, so it is the hash of
 * the transport's identity of the message (transport + traceerId dedupes it anyway).
 */
function unavailableDedupeKey(m: UnavailableMessage): string {
  return createHash('sha256').update(`payload-unavailable\n${m.transport}\n${m.traceerId}`).digest('hex');
}

/**
 * The sender's code as the transport announced it, kept only when it is one (4 digits CBS, 8 AGB): the
 * metadata is a stranger's text, and a U+0000 in it would make PostgreSQL refuse the row, so the message
 * could never be recorded and confirmed and would be offered again forever.
 */
function partyCode(code: string | undefined): string | null {
  return code !== undefined && (isGemeenteCode(code) || isAgbCode(code)) ? code : null;
}

export async function recordUnavailable(db: Database, m: UnavailableMessage): Promise<UnavailableOutcome> {
  const messageType = (m.berichtstroom && messageTypeOf(m.berichtstroom)) ?? null;
  const { row, created } = await storeInbound(db, {
    payload: '',
    payloadSha256: unavailableDedupeKey(m),
    sizeBytes: 0,
    transport: m.transport,
    traceerId: m.traceerId,
    conversatieId: m.conversatieId ?? null,
    alsAntwoordOp: m.alsAntwoordOp ?? null,
    submittedBy: null,
    afzender: partyCode(m.afzender?.code),
    ontvanger: null,
    messageType,
  });
  if (!created && row.outcome) return { messageId: row.id, duplicate: true };
  if (!created && !(await claimUnfinished(db, row.id)))
    return { messageId: row.id, duplicate: true, beingProcessed: true };
  const findings = [findingFor(m)];
  const outcome: Stored = { status: 'rejected', messageType, findings, toewijzingen: [] };
  await finishInbound(db, row.id, {
    status: 'rejected',
    messageType,
    afzender: row.afzender,
    ontvanger: null,
    identificatie: null,
    findings,
    routedTo: null,
    outcome,
  });
  return { messageId: row.id, duplicate: !created };
}
