import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { and, eq } from 'drizzle-orm';
import type { ProfileRegistry } from '../../calendar';
import {
  type AssignmentInput,
  assignmentWorkflowId,
  assignmentWorkflowType,
  type RetourReceived,
  retourSignal,
  type ToewijzingVersion,
  toewijzingSignal,
} from '../../contract/assignment';
import { retourReceived, toewijzingVersion } from '../../contract/assignment/schemas';
import { WmoAanbieder, WmoGemeente } from '../../contract/search-attributes';
import { type Database, outboxMessages } from '../../db';
import type { HeaderSummary, ProductSummary } from './inspect';

/*
 * Where a decoded message goes: each ToegewezenProduct of a 301 to its assignment workflow
 * (signal-with-start, so the first version starts it and later ones update it), a 306/308 to the
 * workflow that sent the 305/307 it answers. Only codes and the clientRef reach Temporal, never the BSN.
 */

export interface RouteDeps {
  db: Database;
  temporal: Client;
  taskQueue: string;
  profiles: ProfileRegistry;
  /** Keyed hash of a BSN (security/client-ref.ts); the BSN itself never leaves this process. */
  clientRef: (bsn: string) => string;
}

export interface ToewijzingOutcome {
  toewijzingNummer: number;
  workflowId: string;
  /** Started or updated: signal-with-start does either, and the workflow decides what the version means. */
  result: 'signalled';
}

export interface ToewijzingMessage {
  messageId: string;
  header: HeaderSummary;
  bsn: string;
  products: ProductSummary[];
  ontvangen: string;
}

export function toewijzingVersionOf(
  m: ToewijzingMessage,
  clientRef: string,
  p: ProductSummary,
): ToewijzingVersion {
  return toewijzingVersion.parse({
    ...p,
    messageId: m.messageId,
    berichtIdentificatie: m.header.identificatie,
    gemeente: m.header.afzender,
    aanbieder: m.header.ontvanger,
    clientRef,
    ontvangen: m.ontvangen,
  });
}

export async function routeToewijzing(deps: RouteDeps, m: ToewijzingMessage): Promise<ToewijzingOutcome[]> {
  const gemeente = m.header.afzender;
  const profile = deps.profiles.profileFor(gemeente);
  const clientRef = deps.clientRef(m.bsn);
  const outcomes: ToewijzingOutcome[] = [];
  for (const product of m.products) {
    const version = toewijzingVersionOf(m, clientRef, product);
    const workflowId = assignmentWorkflowId(gemeente, version.toewijzingNummer);
    const input: AssignmentInput = { toewijzing: version, profile };
    await deps.temporal.workflow.signalWithStart(assignmentWorkflowType, {
      workflowId,
      taskQueue: deps.taskQueue,
      args: [input],
      signal: toewijzingSignal,
      signalArgs: [version],
      typedSearchAttributes: [
        { key: WmoGemeente, value: gemeente },
        { key: WmoAanbieder, value: version.aanbieder },
      ],
    });
    outcomes.push({ toewijzingNummer: version.toewijzingNummer, workflowId, result: 'signalled' });
  }
  return outcomes;
}

export interface RetourMessage {
  messageId: string;
  type: 'WMO306' | 'WMO308';
  header: HeaderSummary;
  retourCodes: string[];
  ontvangen: string;
}

export type RetourRouted =
  | { found: true; workflowId: string; heenType: string; signal: RetourReceived }
  | { found: false; heenType: string; reason: 'unknown-heen' | 'workflow-closed'; workflowId?: string };

const heenOf = { WMO306: 'WMO305', WMO308: 'WMO307' } as const;

/**
 * The retour's header is the heen's, copied: its BerichtIdentificatie is the Identificatie we gave the
 * 305/307 and its Afzender is our AGB code, which together find the outbox row and its workflow.
 */
export async function routeRetour(deps: RouteDeps, m: RetourMessage): Promise<RetourRouted> {
  const heenType = heenOf[m.type];
  const [heen] = await deps.db
    .select({ workflowId: outboxMessages.workflowId })
    .from(outboxMessages)
    .where(
      and(
        eq(outboxMessages.messageType, heenType),
        eq(outboxMessages.afzender, m.header.afzender),
        eq(outboxMessages.ontvanger, m.header.ontvanger),
        eq(outboxMessages.identificatie, m.header.identificatie),
      ),
    );
  if (!heen?.workflowId) return { found: false, heenType, reason: 'unknown-heen' };
  const signal = retourReceived.parse({
    messageId: m.messageId,
    messageType: m.type,
    heenIdentificatie: m.header.identificatie,
    retourCodes: m.retourCodes,
    ontvangen: m.ontvangen,
  });
  try {
    await deps.temporal.workflow.getHandle(heen.workflowId).signal(retourSignal, signal);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError)
      return { found: false, heenType, reason: 'workflow-closed', workflowId: heen.workflowId };
    throw err;
  }
  return { found: true, workflowId: heen.workflowId, heenType, signal };
}
