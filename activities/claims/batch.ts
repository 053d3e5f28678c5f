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
import { declaratieInputOf } from '../../contract/claims/convert';
import {
  claimBatchAnswers,
  claimBatches,
  claimBatchLines,
  claimBatchStash,
  type Database,
  inboxMessages,
} from '../../db';
import { assembleDeclaratie } from '../../declaratie/assemble';
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
  const ids = [...new Set(input.lines.map((l) => l.toewijzingMessageId))];
  if (ids.some((id) => !uuidPattern.test(id)))
    return refusal('CLIENT-301', 'a toewijzingMessageId is not a uuid');
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
  const bsnOfMessage = new Map<string, { bsn: string; held: Set<number> }>();
  const out = new Map<string, string>();
  for (const l of input.lines) {
    let client = bsnOfMessage.get(l.toewijzingMessageId);
    if (!client) {
      const row = byId.get(l.toewijzingMessageId);
      if (row?.messageType !== 'WMO301')
        return refusal('CLIENT-301', `inbox message ${l.toewijzingMessageId} is not a stored 301`);
      const decoded = decode(row.payload);
      if (!decoded.ok || decoded.value.message.type !== 'WMO301')
        return refusal('CLIENT-301', `inbox message ${l.toewijzingMessageId} cannot be read as a 301`);
      const c = decoded.value.message.bericht.Client;
      client = {
        bsn: c.Bsn,
        held: new Set(c.ToegewezenProducten.ToegewezenProduct.map((p) => p.ToewijzingNummer)),
      };
      bsnOfMessage.set(l.toewijzingMessageId, client);
    }
    if (!client.held.has(l.toewijzingNummer))
      return refusal(
        'TR019',
        `line ${l.referentieNummer}: its 301 does not hold toewijzing ${l.toewijzingNummer}`,
      );
    const known = out.get(l.clientRef);
    if (known !== undefined && known !== client.bsn)
      return refusal('CLIENT-301', `clientRef of line ${l.referentieNummer} names two clients`);
    out.set(l.clientRef, client.bsn);
  }
  return out;
}

async function recordBatch(
  db: Database,
  input: SubmitDeclaratieInput,
  outboxId: string,
  identificatie: string,
): Promise<void> {
  const signedSum = input.lines.reduce((t, l) => t + (l.debetCredit === 'C' ? -l.bedrag : l.bedrag), 0);
  await db.transaction(async (tx) => {
    await tx
      .insert(claimBatches)
      .values({
        workflowId: input.batchWorkflowId,
        aanbieder: input.aanbieder,
        gemeente: input.gemeente,
        maand: `${input.maand}-01`,
        declaratieNummer: input.declaratieNummer,
        status: 'ingediend',
        outboxId,
        identificatie,
        dagtekening: input.dagtekening,
        totaal: signedSum,
        lineCount: input.lines.length,
      })
      .onConflictDoNothing();
    const rows = input.lines.map((l) => ({
      batchWorkflowId: input.batchWorkflowId,
      referentieNummer: l.referentieNummer,
      assignmentWorkflowId: l.assignmentWorkflowId,
      toewijzingNummer: l.toewijzingNummer,
      productCategorie: l.categorie,
      productCode: l.code,
      periodStart: l.productPeriode.begindatum,
      periodEnd: l.productPeriode.einddatum,
      volume: l.volume,
      eenheid: l.eenheid,
      tarief: l.tarief ?? null,
      bedrag: l.bedrag,
      debetCredit: l.debetCredit,
      vorigReferentieNummer: l.vorigReferentieNummer ?? null,
    }));
    // Chunks keep each statement under PostgreSQL's parameter limit at 10,000 lines.
    for (let i = 0; i < rows.length; i += 1000)
      await tx
        .insert(claimBatchLines)
        .values(rows.slice(i, i + 1000))
        .onConflictDoNothing();
  });
}

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

async function stashedText(db: Database, key: string, part: number): Promise<string> {
  const [row] = await db
    .select({ body: claimBatchStash.body })
    .from(claimBatchStash)
    .where(and(eq(claimBatchStash.key, key), eq(claimBatchStash.part, part)));
  if (!row)
    throw ApplicationFailure.create({
      type: 'StashMissing',
      message: `stash ${key} has no part ${part}`,
      nonRetryable: true,
    });
  return row.body;
}

/** The lines of a 323 too large for the activity's input, read back from the batch's stash. */
async function withLines(db: Database, input: SubmitDeclaratieInput): Promise<SubmitDeclaratieInput> {
  const ref = input.stashedLines;
  if (!ref) return input;
  const parts: string[] = [];
  for (let i = 0; i < ref.parts; i++) parts.push(await stashedText(db, ref.key, i));
  const { stashedLines: _s, ...rest } = input;
  return { ...rest, lines: JSON.parse(parts.join('')) };
}

export function createClaimsBatchActivities({ db, temporal }: ClaimsBatchActivityDeps) {
  return guardDatabase({
    async stashPart(input: { key: string; part: number; body: string }): Promise<void> {
      await db.insert(claimBatchStash).values(input).onConflictDoNothing();
    },

    async stashedPart(input: { key: string; part: number }): Promise<string> {
      return stashedText(db, input.key, input.part);
    },

    /** The batch's 323 into the outbox, once per idempotency key; refused (not thrown) with the rules. */
    async submitDeclaratie(given: SubmitDeclaratieInput): Promise<SubmitDeclaratieResult> {
      const input = await withLines(db, given);
      const existing = await findOutbox(db, input.idempotencyKey);
      if (existing) {
        await recordBatch(db, input, existing.outboxId, existing.identificatie);
        return { ok: true, ...existing };
      }
      const bsns = await bsnsFor(db, input);
      if (!(bsns instanceof Map)) return bsns;
      const identificatie = await nextIdentificatie(db, '323');
      const assembled = assembleDeclaratie(
        declaratieInputOf(input, (ref) => bsns.get(ref) as string, identificatie),
      );
      if (!assembled.ok)
        return { ok: false, findings: assembled.findings.map((f) => ({ rule: f.rule, message: f.message })) };
      const built = buildDeclaratieXml(assembled.message);
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
        identificatie,
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
