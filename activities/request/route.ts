import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { and, eq } from 'drizzle-orm';
import {
  antwoordSignal,
  honouredSignal,
  type RequestHonoured,
  requestWorkflowId,
  retourSignal,
} from '../../contract/request/contract';
import { requestAntwoord, requestRetour } from '../../contract/request/schemas';
import { type Database, outboxMessages } from '../../db';
import { findRequestDocument } from '../../db/queries/requests';
import type { HeaderSummary, ProductSummary } from '../messaging/inspect';

/*
 * Where the answers to a provider's request go (issue 16): a 316/318 to every request workflow of the
 * 315/317 it answers (matched on the heen's Identificatie, the header being the heen's copy), a 319 to
 * the workflow of its ReferentieAanbieder, and the products of a 301 that carry a ReferentieAanbieder
 * (TR379) to that request as `gehonoreerd`, with the assignment workflows the 301 started. Only codes,
 * inbox ids and workflow ids reach Temporal. What finds no running workflow comes back unmatched, with
 * why, so the inbound path stores it visibly.
 */

export interface RequestRouteDeps {
  db: Database;
  temporal: Client;
}

export type RequestRouted = { found: true; workflowIds: string[] } | { found: false; reason: string };

/** Signals each running workflow; the ids that took it. */
async function signalEach<T>(
  temporal: Client,
  ids: string[],
  send: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<T>,
): Promise<string[]> {
  const reached: string[] = [];
  for (const id of ids) {
    try {
      await send(temporal.workflow.getHandle(id));
      reached.push(id);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }
  return reached;
}

/** The ReferentieAanbieder(s) a stored request document asks under: one per product (315), one (317). */
function referentiesOf(document: unknown): string[] {
  const d = document as {
    soort?: string;
    producten?: { ReferentieAanbieder?: unknown }[];
    verzoek?: { ReferentieAanbieder?: unknown };
  };
  const refs =
    d.soort === '315'
      ? (d.producten ?? []).map((p) => p.ReferentieAanbieder)
      : [d.verzoek?.ReferentieAanbieder];
  return refs.filter((r): r is string => typeof r === 'string');
}

/** The request workflows a stored document started (or was resent by); ids the rules refuse are skipped. */
export function requestWorkflowIdsOf(aanbieder: string, document: unknown): string[] {
  const ids: string[] = [];
  for (const ref of referentiesOf(document)) {
    try {
      ids.push(requestWorkflowId(aanbieder, ref));
    } catch {
      // a referentie the builder would have refused never started a workflow
    }
  }
  return ids;
}

export interface RequestRetourMessage {
  messageId: string;
  type: 'WMO316' | 'WMO318';
  header: HeaderSummary;
  retourCodes: string[];
  ontvangen: string;
}

const heenOf = { WMO316: 'WMO315', WMO318: 'WMO317' } as const;

export async function routeRequestRetour(
  deps: RequestRouteDeps,
  m: RequestRetourMessage,
): Promise<RequestRouted> {
  const heenType = heenOf[m.type];
  const [heen] = await deps.db
    .select({ key: outboxMessages.idempotencyKey, workflowId: outboxMessages.workflowId })
    .from(outboxMessages)
    .where(
      and(
        eq(outboxMessages.messageType, heenType),
        eq(outboxMessages.afzender, m.header.afzender),
        eq(outboxMessages.ontvanger, m.header.ontvanger),
        eq(outboxMessages.identificatie, m.header.identificatie),
      ),
    );
  if (!heen) return { found: false, reason: `no ${heenType} sent with this Identificatie by this afzender` };
  // The outbox key is verzoek:{payloadRef}: the document names every workflow that shares the message.
  const doc = await findRequestDocument(deps.db, heen.key.replace(/^verzoek:/, ''));
  const ids = doc ? requestWorkflowIdsOf(doc.aanbieder, doc.document) : [];
  if (heen.workflowId && !ids.includes(heen.workflowId)) ids.push(heen.workflowId);
  const signal = requestRetour.parse({
    messageId: m.messageId,
    messageType: m.type,
    heenIdentificatie: m.header.identificatie,
    retourCodes: m.retourCodes,
    ontvangen: m.ontvangen,
  });
  const reached = await signalEach(deps.temporal, ids, (h) => h.signal(retourSignal, signal));
  return reached.length
    ? { found: true, workflowIds: reached }
    : { found: false, reason: `the request workflow(s) of this ${heenType} are closed` };
}

export interface AntwoordMessage {
  messageId: string;
  header: HeaderSummary;
  antwoord: { referentieAanbieder: string; verzoekAntwoord: string; redenAfwijzingVerzoek?: string };
  ontvangen: string;
}

export async function routeAntwoord(deps: RequestRouteDeps, m: AntwoordMessage): Promise<RequestRouted> {
  let workflowId: string;
  try {
    // The 319 goes from the gemeente to the aanbieder: its Ontvanger is the aanbieder that asked.
    workflowId = requestWorkflowId(m.header.ontvanger, m.antwoord.referentieAanbieder);
  } catch {
    return { found: false, reason: 'ReferentieAanbieder is not one this service could have sent' };
  }
  const parsed = requestAntwoord.safeParse({
    messageId: m.messageId,
    verzoekAntwoord: m.antwoord.verzoekAntwoord,
    ...(m.antwoord.redenAfwijzingVerzoek ? { redenAfwijzingVerzoek: m.antwoord.redenAfwijzingVerzoek } : {}),
    ontvangen: m.ontvangen,
  });
  if (!parsed.success)
    return { found: false, reason: 'VerzoekAntwoord or RedenAfwijzingVerzoek not understood' };
  const reached = await signalEach(deps.temporal, [workflowId], (h) => h.signal(antwoordSignal, parsed.data));
  return reached.length
    ? { found: true, workflowIds: reached }
    : { found: false, reason: `no open request ${workflowId}` };
}

/**
 * The 301's products that carry a ReferentieAanbieder, to their requests as `gehonoreerd` with the
 * assignment workflow each product started. Returns the request workflows that took it.
 */
export async function routeHonoured(
  deps: RequestRouteDeps,
  m: { messageId: string; header: HeaderSummary; products: ProductSummary[]; ontvangen: string },
  assignmentIds: Map<number, string>,
): Promise<string[]> {
  const byRequest = new Map<string, RequestHonoured['toewijzingen']>();
  for (const p of m.products) {
    const assignmentWorkflowId = assignmentIds.get(p.toewijzingNummer);
    if (!p.referentieAanbieder || !assignmentWorkflowId) continue;
    let id: string;
    try {
      id = requestWorkflowId(m.header.ontvanger, p.referentieAanbieder);
    } catch {
      continue; // a referentie no request of ours can have
    }
    byRequest.set(id, [
      ...(byRequest.get(id) ?? []),
      { toewijzingNummer: p.toewijzingNummer, assignmentWorkflowId },
    ]);
  }
  const reached: string[] = [];
  for (const [id, toewijzingen] of byRequest) {
    const signal = { messageId: m.messageId, toewijzingen, ontvangen: m.ontvangen };
    reached.push(...(await signalEach(deps.temporal, [id], (h) => h.signal(honouredSignal, signal))));
  }
  return reached;
}
