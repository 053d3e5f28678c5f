import { WorkflowNotFoundError } from '@temporalio/client';
import { and, eq } from 'drizzle-orm';
import { type AntwoordReceived, antwoordSignal } from '../../contract/claims';
import { pseudonymise325 } from '../../contract/claims/convert';
import { antwoordReceived } from '../../contract/claims/schemas';
import { claimBatches } from '../../db';
import type { MessageOf } from '../../iwmo';
import type { RouteDeps } from '../messaging/route';

/*
 * Where a received 325 goes: the claims batch whose 323 it answers. The 325's header names that 323 by
 * DeclaratieIdentificatie (our BerichtIdentificatie, kept in claim_batches with the batch), its
 * DeclaratieAntwoord repeats the DeclaratieNummer; the 325's Ontvanger is the aanbieder and its
 * Afzender must be the gemeente the 323 went to, or another gemeente could answer a 323 not sent to it.
 * What reaches Temporal is the pseudonymised answer (each Bsn → keyed clientRef), never a BSN.
 */

export interface Antwoord325Message {
  messageId: string;
  message: MessageOf<'WMO325'>;
  /** Day it was received (Europe/Amsterdam). */
  ontvangen: string;
}

export type Antwoord325Routed =
  | { found: true; workflowId: string; declaratieIdentificatie: string }
  | {
      found: false;
      reason: 'unknown-batch' | 'batch-closed';
      declaratieIdentificatie: string;
      workflowId?: string;
    };

async function batchOf(deps: RouteDeps, m: MessageOf<'WMO325'>): Promise<string | undefined> {
  const { Header, DeclaratieAntwoord } = m.bericht;
  const mine = and(eq(claimBatches.aanbieder, Header.Ontvanger), eq(claimBatches.gemeente, Header.Afzender));
  const byIdentificatie = eq(claimBatches.identificatie, Header.DeclaratieIdentificatie.Identificatie);
  const [row] = await deps.db
    .select({ workflowId: claimBatches.workflowId })
    .from(claimBatches)
    .where(and(mine, byIdentificatie));
  if (row || !DeclaratieAntwoord) return row?.workflowId;
  // An Identificatie we do not know, with a DeclaratieNummer we do: the number names the batch (TR333).
  const [byNummer] = await deps.db
    .select({ workflowId: claimBatches.workflowId })
    .from(claimBatches)
    .where(and(mine, eq(claimBatches.declaratieNummer, DeclaratieAntwoord.DeclaratieNummer)));
  return byNummer?.workflowId;
}

export async function routeAntwoord325(deps: RouteDeps, a: Antwoord325Message): Promise<Antwoord325Routed> {
  const declaratieIdentificatie = a.message.bericht.Header.DeclaratieIdentificatie.Identificatie;
  const workflowId = await batchOf(deps, a.message);
  if (!workflowId) return { found: false, reason: 'unknown-batch', declaratieIdentificatie };
  const signal: AntwoordReceived = antwoordReceived.parse({
    inboxMessageId: a.messageId,
    ontvangen: a.ontvangen,
    antwoord: pseudonymise325(a.message, deps.clientRef),
  }) as AntwoordReceived;
  try {
    await deps.temporal.workflow.getHandle(workflowId).signal(antwoordSignal, signal);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError)
      return { found: false, reason: 'batch-closed', declaratieIdentificatie, workflowId };
    throw err;
  }
  return { found: true, workflowId, declaratieIdentificatie };
}

/** The finding a 325 for no batch of ours is kept with (rejected, visible in the archive). */
export function declaratieOnbekend(declaratieIdentificatie: string) {
  return {
    rule: 'DECLARATIE-ONBEKEND',
    path: '/Bericht/Header/DeclaratieIdentificatie/Identificatie',
    message: `Geen verzonden WMO323 met DeclaratieIdentificatie ${declaratieIdentificatie} van deze gemeente; opgeslagen, niet verwerkt`,
    hint: 'Check that the 325 answers a 323 this service sent to this gemeente (its DeclaratieIdentificatie and DeclaratieNummer).',
  };
}
