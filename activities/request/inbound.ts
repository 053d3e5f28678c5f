import { eq } from 'drizzle-orm';
import { retour320Key } from '../../contract/request/keys';
import { requests } from '../../db';
import { retourCodeFindings } from '../messaging/build';
import type { MessageCodec } from '../messaging/codec';
import type { InboxRow } from '../messaging/inbox';
import type { Inspection } from '../messaging/inspect';
import { answerStored } from '../messaging/outbox';
import type { Stored } from '../messaging/outcome';
import { type RequestRouteDeps, requestWorkflowIdsOf, routeAntwoord, routeRequestRetour } from './route';

/*
 * The inbound path's branch for the answers to a provider's request (316, 318, 319): route them
 * (./route.ts) and say what happened, for the inbox row. A 319 that reaches no open request is still
 * answered with its one 320 (key 320:{inbox id}, the key the workflow uses, so never two): 9359/9365 when
 * the request was closed as honoured/rejected, else 9355 (the answer refers to an unknown request). What
 * reaches no workflow is stored with a note saying why.
 */

type Decoded = Inspection & { ok: true };
type Outcome = Omit<Stored, 'messageType' | 'findings'>;

export interface RequestInboundDeps extends RequestRouteDeps {
  codec: MessageCodec;
}

export const isRequestAnswer = (d: Decoded) =>
  d.type === 'WMO316' || d.type === 'WMO318' || (d.type === 'WMO319' && !!d.antwoord);

async function answer319(
  deps: RequestInboundDeps,
  row: InboxRow,
  workflowId: string | undefined,
  today: string,
) {
  const [known] = workflowId
    ? await deps.db
        .select({ status: requests.status })
        .from(requests)
        .where(eq(requests.workflowId, workflowId))
    : [];
  const code = known?.status === 'gehonoreerd' ? '9359' : known?.status === 'afgewezen' ? '9365' : '9355';
  const answer = { key: retour320Key(row.id), sequence: '320' as const, dagtekening: today };
  return answerStored(deps, row, retourCodeFindings([code]), answer);
}

export async function routeRequestAnswer(
  deps: RequestInboundDeps,
  row: InboxRow,
  d: Decoded,
  today: string,
): Promise<Outcome> {
  const base = { toewijzingen: [] };
  if (d.type === 'WMO316' || d.type === 'WMO318') {
    const retourCodes = d.retour?.retourCodes ?? [];
    const m = { messageId: row.id, type: d.type, header: d.header, retourCodes, ontvangen: today };
    const routed = await routeRequestRetour(deps, m);
    if (!routed.found) return { ...base, status: 'received', note: `not routed: ${routed.reason}` };
    const heenType = d.type === 'WMO316' ? 'WMO315' : 'WMO317';
    const retour = {
      workflowId: routed.workflowIds.join(','),
      heenType,
      heenIdentificatie: d.header.identificatie,
      retourCodes,
    };
    return { ...base, status: 'routed', retour, requests: routed.workflowIds };
  }
  const antwoord = d.antwoord as NonNullable<Decoded['antwoord']>;
  const routed = await routeAntwoord(deps, {
    messageId: row.id,
    header: d.header,
    antwoord,
    ontvangen: today,
  });
  if (routed.found) return { ...base, status: 'routed', requests: routed.workflowIds };
  const [workflowId] = requestWorkflowIdsOf(d.header.ontvanger, {
    soort: '317',
    verzoek: { ReferentieAanbieder: antwoord.referentieAanbieder },
  });
  const answer = await answer319(deps, row, workflowId, today);
  return { ...base, status: 'received', note: `not routed: ${routed.reason}`, ...(answer ? { answer } : {}) };
}
