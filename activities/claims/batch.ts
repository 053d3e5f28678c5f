import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { and, eq, inArray } from 'drizzle-orm';
import {
  type ClaimsBatchActivities,
  claimLineOutcomeSignal,
  type DeliverOutcomesInput,
  type DeliverOutcomesResult,
  type RecordAntwoordInput,
  type SubmitDeclaratieInput,
  type SubmitDeclaratieResult,
} from '../../contract/claims';
import { claimBatchAnswers, claimBatches, claimBatchLines, type Database, inboxMessages } from '../../db';
import { decode } from '../../iwmo';
import { guardDatabase } from '../db-errors';
import { buildDeclaratieXml } from '../messaging/build';
import { findOutbox, nextIdentificatie, writeOutbox } from '../messaging/outbox';

/*
 * The claims batch's I/O: its one 323 into the outbox (BSNs read from the stored 301s, checked by
 * declaratie/validate.ts) with the batch and its lines in claim_batches / claim_batch_lines; each 325
 * recorded against its batch; outcomes signalled back to the assignments. Every write is keyed, so a
 * retry or a worker crash between two writes repeats nothing. Database errors carry no data (db-errors).
 */

export interface ClaimsBatchActivityDeps {
  db: Database;
  /** The client the outcomes are signalled with (unset: deliverLineOutcomes fails, naming it). */
  temporal?: Pick<Client, 'workflow'>;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Refusal = Extract<SubmitDeclaratieResult, { ok: false }>;
const refusal = (rule: string, message: string): Refusal => ({ ok: false, findings: [{ rule, message }] });

/**
 * clientRef → BSN from the stored 301s, each checked to hold the toewijzingen of that client's lines (a
 * wrong inbox id must never bill another client). A refusal names the rule, never a BSN.
 */
async function bsnsFor(db: Database, input: SubmitDeclaratieInput): Promise<Map<string, string> | Refusal> {
  const toewijzingenOf = new Map<string, Set<number>>();
  for (const c of input.message.bericht.Declaratie.Clienten.Client)
    toewijzingenOf.set(c.Bsn, new Set(c.Prestaties.Prestatie.map((p) => p.ToewijzingNummer)));
  const ids = [...new Set(input.clients.map((c) => c.toewijzingMessageId))];
  const bad = ids.find((id) => !uuidPattern.test(id));
  if (bad !== undefined) return refusal('CLIENT-301', 'a toewijzingMessageId is not a uuid');
  const rows = ids.length
    ? await db
        .select({
          id: inboxMessages.id,
          payload: inboxMessages.payload,
          messageType: inboxMessages.messageType,
        })
        .from(inboxMessages)
        .where(inArray(inboxMessages.id, ids))
    : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out = new Map<string, string>();
  for (const c of input.clients) {
    const row = byId.get(c.toewijzingMessageId);
    if (row?.messageType !== 'WMO301')
      return refusal('CLIENT-301', `inbox message ${c.toewijzingMessageId} is not a stored 301`);
    const decoded = decode(row.payload);
    if (!decoded.ok || decoded.value.message.type !== 'WMO301')
      return refusal('CLIENT-301', `inbox message ${c.toewijzingMessageId} cannot be read as a 301`);
    const client = decoded.value.message.bericht.Client;
    const held = new Set(client.ToegewezenProducten.ToegewezenProduct.map((p) => p.ToewijzingNummer));
    const wanted = toewijzingenOf.get(c.clientRef) ?? new Set<number>();
    if ([...wanted].some((n) => !held.has(n)))
      return refusal(
        'TR019',
        `inbox message ${c.toewijzingMessageId} does not hold the toewijzingen of its lines`,
      );
    out.set(c.clientRef, client.Bsn);
  }
  return out;
}

async function recordBatch(
  db: Database,
  input: SubmitDeclaratieInput,
  outboxId: string,
  identificatie: string,
) {
  const d = input.message.bericht.Declaratie;
  const owner = new Map(input.lineOwners.map((o) => [o.referentieNummer, o.assignmentWorkflowId]));
  const total =
    d.TotaalIngediendBedrag.DebetCredit === 'C'
      ? -d.TotaalIngediendBedrag.TotaalBedrag
      : d.TotaalIngediendBedrag.TotaalBedrag;
  const prestaties = d.Clienten.Client.flatMap((c) => c.Prestaties.Prestatie);
  await db.transaction(async (tx) => {
    await tx
      .insert(claimBatches)
      .values({
        workflowId: input.batchWorkflowId,
        aanbieder: input.aanbieder,
        gemeente: input.gemeente,
        maand: d.DeclaratiePeriode.Begindatum,
        declaratieNummer: d.DeclaratieNummer,
        status: 'ingediend',
        outboxId,
        identificatie,
        dagtekening: input.dagtekening,
        totaal: total,
        lineCount: prestaties.length,
      })
      .onConflictDoNothing();
    const rows = prestaties.map((p) => ({
      batchWorkflowId: input.batchWorkflowId,
      referentieNummer: p.ProductReferentie.ReferentieNummer,
      assignmentWorkflowId: owner.get(p.ProductReferentie.ReferentieNummer) ?? '',
      toewijzingNummer: p.ToewijzingNummer,
      productCategorie: p.ProductCategorie,
      productCode: p.ProductCode,
      periodStart: p.ProductPeriode.Begindatum,
      periodEnd: p.ProductPeriode.Einddatum,
      volume: p.GeleverdVolume,
      eenheid: p.Eenheid,
      tarief: p.ProductTarief ?? null,
      bedrag: p.IngediendBedrag.Bedrag,
      debetCredit: p.IngediendBedrag.DebetCredit,
      vorigReferentieNummer: p.ProductReferentie.VorigReferentieNummer ?? null,
    }));
    // Chunks keep each statement under PostgreSQL's parameter limit at 10,000 lines.
    for (let i = 0; i < rows.length; i += 1000)
      await tx
        .insert(claimBatchLines)
        .values(rows.slice(i, i + 1000))
        .onConflictDoNothing();
  });
}

/**
 * Signals each outcome to its assignment; an assignment that is gone (closed or never started) is
 * skipped with the rest of its outcomes and reported, any other failure is thrown (the activity retries,
 * and assignments take a repeat as once).
 */
export async function signalOutcomes(
  temporal: Pick<Client, 'workflow'>,
  outcomes: DeliverOutcomesInput['outcomes'],
): Promise<{ delivered: number; gone: Set<string> }> {
  const gone = new Set<string>();
  let delivered = 0;
  for (const { assignmentWorkflowId, outcome } of outcomes) {
    if (gone.has(assignmentWorkflowId)) continue;
    try {
      await temporal.workflow.getHandle(assignmentWorkflowId).signal(claimLineOutcomeSignal, outcome);
      delivered++;
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      gone.add(assignmentWorkflowId);
    }
  }
  return { delivered, gone };
}

export function createClaimsBatchActivities({ db, temporal }: ClaimsBatchActivityDeps) {
  return guardDatabase({
    /** The batch's 323 into the outbox, once per idempotency key; refused (not thrown) with the rules. */
    async submitDeclaratie(input: SubmitDeclaratieInput): Promise<SubmitDeclaratieResult> {
      const existing = await findOutbox(db, input.idempotencyKey);
      if (existing) {
        await recordBatch(db, input, existing.outboxId, existing.identificatie);
        return { ok: true, ...existing };
      }
      const bsns = await bsnsFor(db, input);
      if (!(bsns instanceof Map)) return bsns;
      const meta = { identificatie: await nextIdentificatie(db, '323'), dagtekening: input.dagtekening };
      const built = buildDeclaratieXml(input.message, bsns, meta);
      if (!built.ok)
        return {
          ok: false,
          findings: built.findings
            .slice(0, 20)
            .map((f) => ({ rule: f.rule, message: `${f.path}: ${f.message}` })),
        };
      const written = await writeOutbox(db, {
        idempotencyKey: input.idempotencyKey,
        workflowId: input.batchWorkflowId,
        messageType: 'WMO323',
        afzender: built.afzender,
        ontvanger: built.ontvanger,
        identificatie: meta.identificatie,
        payload: built.xml,
      });
      await recordBatch(db, input, written.outboxId, written.identificatie);
      return { ok: true, ...written };
    },

    /** A 325 against its batch: always kept; applied to the batch and its lines only when it matched. */
    async recordAntwoord(input: RecordAntwoordInput): Promise<void> {
      await db.transaction(async (tx) => {
        await tx
          .insert(claimBatchAnswers)
          .values({
            batchWorkflowId: input.batchWorkflowId,
            inboxMessageId: input.inboxMessageId,
            ontvangen: input.ontvangen,
            kind: input.kind,
            mismatches: input.mismatches ?? null,
          })
          .onConflictDoNothing();
        if (input.kind === 'mismatch') return;
        await tx
          .update(claimBatches)
          .set({
            status: input.kind,
            antwoordMessageId: input.inboxMessageId,
            antwoordOntvangen: input.ontvangen,
            updatedAt: new Date(),
          })
          .where(eq(claimBatches.workflowId, input.batchWorkflowId));
        const lines = input.lines ?? [];
        const awarded = lines.filter((l) => l.status === 'toegekend').map((l) => l.referentieNummer);
        for (let i = 0; i < awarded.length; i += 1000)
          await tx
            .update(claimBatchLines)
            .set({ status: 'toegekend' })
            .where(
              and(
                eq(claimBatchLines.batchWorkflowId, input.batchWorkflowId),
                inArray(claimBatchLines.referentieNummer, awarded.slice(i, i + 1000)),
              ),
            );
        for (const l of lines.filter((x) => x.status === 'afgewezen'))
          await tx
            .update(claimBatchLines)
            .set({ status: 'afgewezen', retourCodes: l.retourCodes ?? [] })
            .where(
              and(
                eq(claimBatchLines.batchWorkflowId, input.batchWorkflowId),
                eq(claimBatchLines.referentieNummer, l.referentieNummer),
              ),
            );
      });
    },

    /** Each outcome to its assignment (at least once; assignments take a repeat as once). */
    async deliverLineOutcomes(input: DeliverOutcomesInput): Promise<DeliverOutcomesResult> {
      if (!temporal)
        throw ApplicationFailure.nonRetryable(
          'deliverLineOutcomes needs the Temporal client (ActivityDeps.temporal)',
          'NoTemporalClient',
        );
      const { delivered, gone } = await signalOutcomes(temporal, input.outcomes);
      const refs = (pred: (id: string) => boolean) =>
        input.outcomes.filter((o) => pred(o.assignmentWorkflowId)).map((o) => o.outcome.referentieNummer);
      const mark = async (outcome: 'delivered' | 'undeliverable', list: string[]) => {
        for (let i = 0; i < list.length; i += 1000)
          await db
            .update(claimBatchLines)
            .set({ outcome })
            .where(
              and(
                eq(claimBatchLines.batchWorkflowId, input.batchWorkflowId),
                inArray(claimBatchLines.referentieNummer, list.slice(i, i + 1000)),
              ),
            );
      };
      await mark(
        'delivered',
        refs((id) => !gone.has(id)),
      );
      await mark(
        'undeliverable',
        refs((id) => gone.has(id)),
      );
      return { delivered, undeliverable: [...gone] };
    },
  } satisfies ClaimsBatchActivities);
}
