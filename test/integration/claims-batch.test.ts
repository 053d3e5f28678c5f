import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import {
  antwoordSignal,
  batchStateQuery,
  type ClaimLine,
  claimLinesSignal,
  claimsBatchWorkflowId,
} from '../../contract/claims';
import { pseudonymise325 } from '../../contract/claims/convert';
import { claimBatchAnswers, claimBatches, claimBatchLines, inboxMessages, outboxMessages } from '../../db';
import { referentieNummer } from '../../declaratie';
import { buildDeclaratieAntwoord } from '../../iwmo';
import { profiles } from '../support/assignment';
import { createTestDatabase } from '../support/database';
import { decodeAs, sampleAanbieder, sampleBsn, sampleGemeente, wmo301, xsdPath } from '../support/messages';
import { createDevServerEnv, type TemporalTestEnv } from '../support/temporal';
import { createTestWorker } from '../support/worker';
import { validateWithXsd } from '../support/xmllint';

/*
 * The claims batch on real parts: the Temporal dev server and PostgreSQL with the real activities. A
 * month long past, so the batch submits at once: its 323 is one outbox row (BSN read from the stored
 * 301, XSD-valid), the batch and its lines are rows; a 325 is recorded against the batch and its lines.
 */

let env: TemporalTestEnv;
let testDb: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  [env, testDb] = await Promise.all([createDevServerEnv(), createTestDatabase()]);
  await testDb.handle.migrate();
});

afterAll(async () => {
  await env?.teardown();
  await testDb?.drop();
});

const maand = '2026-06';
const nummers = [8101, 8102, 8103];
const clientRef = 'c_integration_client';

function line(toewijzingNummer: number, toewijzingMessageId: string): ClaimLine {
  return {
    referentieNummer: referentieNummer({
      gemeente: sampleGemeente,
      toewijzingNummer,
      periode: `${maand}-01`,
      productCode: '01A01',
      volgnummer: 0,
    }),
    toewijzingNummer,
    clientRef,
    toewijzingMessageId,
    categorie: '01',
    code: '01A01',
    productPeriode: { begindatum: `${maand}-01`, einddatum: `${maand}-30` },
    volume: 16,
    eenheid: '04',
    tarief: 6640,
    bedrag: 16 * 6640,
    debetCredit: 'D',
  };
}

describe('claims batch with the real activities', () => {
  it('writes one XSD-valid 323 to the outbox and the batch rows; records the 325 against its batch', async () => {
    const db = testDb.handle.db;
    const xml = wmo301('CB0001', nummers);
    const [stored] = await db
      .insert(inboxMessages)
      .values({
        transport: 'api',
        messageType: 'WMO301',
        afzender: sampleGemeente,
        ontvanger: sampleAanbieder,
        payload: xml,
        payloadSha256: createHash('sha256').update(xml).digest('hex'),
        sizeBytes: Buffer.byteLength(xml),
        identificatie: 'CB0001',
        status: 'routed',
      })
      .returning({ id: inboxMessages.id });
    const messageId = stored?.id as string;

    const { worker, taskQueue } = await createTestWorker(env, createActivities({ db, temporal: env.client }));
    const workflowId = claimsBatchWorkflowId(sampleAanbieder, sampleGemeente, maand);
    const lines = nummers.map((n) => line(n, messageId));
    // Handed over before the worker polls, so all three are in the batch's first workflow task (the month
    // is long past: the batch submits as soon as it runs).
    let handle = env.client.workflow.getHandle(workflowId);
    for (const [i, l] of lines.entries()) {
      // Each assignment signal-with-starts the same batch; the first one hands over twice (a retry).
      for (let n = 0; n < (i === 0 ? 2 : 1); n++) {
        handle = await env.client.workflow.signalWithStart('claimsBatchWorkflow', {
          taskQueue,
          workflowId,
          args: [
            {
              aanbieder: sampleAanbieder,
              gemeente: sampleGemeente,
              maand,
              profile: profiles.profileFor(sampleGemeente),
            },
          ],
          signal: claimLinesSignal,
          signalArgs: [
            {
              assignmentWorkflowId: `wmo:${sampleGemeente}:${l.toewijzingNummer}`,
              handOverKey: `k-${l.toewijzingNummer}`,
              lines: [l],
            },
          ],
        });
      }
    }
    await worker.runUntil(async () => {
      let state = await handle.query(batchStateQuery);
      for (let i = 0; state.status === 'verzamelen' && i < 200; i++) {
        await new Promise((r) => setTimeout(r, 50));
        state = await handle.query(batchStateQuery);
      }
      expect(state.status).toBe('ingediend');
      expect(state.handOvers).toBe(3);

      const out = await db.select().from(outboxMessages).where(eq(outboxMessages.workflowId, workflowId));
      expect(out).toHaveLength(1);
      const row = out[0] as (typeof out)[number];
      expect(row).toMatchObject({
        messageType: 'WMO323',
        idempotencyKey: `${workflowId}:323:1`,
        afzender: sampleAanbieder,
        ontvanger: sampleGemeente,
      });
      const xsd = validateWithXsd(row.payload, xsdPath('323'));
      expect(xsd.valid, xsd.output).toBe(true);
      const sent = decodeAs(row.payload, 'WMO323');
      expect(sent.bericht.Declaratie.Clienten.Client.map((c) => c.Bsn)).toEqual([sampleBsn]);
      expect(sent.bericht.Declaratie.TotaalIngediendBedrag).toEqual({
        TotaalBedrag: 3 * 16 * 6640,
        DebetCredit: 'D',
      });

      const [batch] = await db.select().from(claimBatches).where(eq(claimBatches.workflowId, workflowId));
      expect(batch).toMatchObject({
        aanbieder: sampleAanbieder,
        gemeente: sampleGemeente,
        maand: `${maand}-01`,
        declaratieNummer: '038420260601',
        status: 'ingediend',
        outboxId: row.id,
        identificatie: row.identificatie,
        totaal: 3 * 16 * 6640,
        lineCount: 3,
      });
      const stored323Lines = await db
        .select()
        .from(claimBatchLines)
        .where(eq(claimBatchLines.batchWorkflowId, workflowId));
      expect(stored323Lines.map((l) => l.assignmentWorkflowId).sort()).toEqual(
        nummers.map((n) => `wmo:${sampleGemeente}:${n}`),
      );
      // The history holds client references only: the BSN stays in the stored messages.
      const history = JSON.stringify(await handle.fetchHistory());
      expect(history).not.toContain(sampleBsn);

      // The 325 as the router hands it over: the Bsn replaced by the client reference.
      // The gemeente answers the 323 it got (with the BSN); the router hands the batch the pseudonymised 325.
      const rejected = lines[1]?.referentieNummer as string;
      const decoded325 = buildDeclaratieAntwoord(
        sent,
        { prestaties: new Map([[rejected, ['0611']]]) },
        { identificatie: 'A0001', dagtekening: '2026-07-10' },
      );
      const antwoord = pseudonymise325(decoded325, (bsn) => (bsn === sampleBsn ? clientRef : 'unknown'));
      expect(JSON.stringify(antwoord)).not.toContain(sampleBsn);
      await handle.signal(antwoordSignal, {
        inboxMessageId: '00000000-0000-4000-8000-000000000325',
        ontvangen: '2026-07-10',
        antwoord: antwoord,
      });
      await handle.result();

      const [answered] = await db.select().from(claimBatches).where(eq(claimBatches.workflowId, workflowId));
      expect(answered).toMatchObject({
        status: 'beoordeeld',
        antwoordMessageId: '00000000-0000-4000-8000-000000000325',
      });
      const after = await db
        .select()
        .from(claimBatchLines)
        .where(eq(claimBatchLines.batchWorkflowId, workflowId));
      const byRef = new Map(after.map((l) => [l.referentieNummer, l]));
      expect(byRef.get(rejected)).toMatchObject({ status: 'afgewezen', retourCodes: ['0611'] });
      expect(after.filter((l) => l.status === 'toegekend')).toHaveLength(2);
      // No assignment workflows run here: the outcomes are kept as undeliverable in the rows.
      expect(after.every((l) => l.outcome === 'undeliverable')).toBe(true);
      expect(await db.select().from(claimBatchAnswers)).toHaveLength(1);
    });
  });
});
