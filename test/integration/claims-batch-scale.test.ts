import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import {
  batchSummaryQuery,
  type ClaimLine,
  claimLinesSignal,
  claimsBatchWorkflowId,
} from '../../contract/claims';
import { claimBatchLines, inboxMessages, outboxMessages } from '../../db';
import { referentieNummer } from '../../declaratie';
import { profiles } from '../support/assignment';
import { createTestDatabase } from '../support/database';
import { decodeAs, sampleAanbieder, sampleGemeente, wmo301 } from '../support/messages';
import { createDevServerEnv, type TemporalTestEnv } from '../support/temporal';
import { createTestWorker } from '../support/worker';

/*
 * A municipality-wide month: 10,000 lines in one batch, on the dev server (which enforces Temporal's 2 MB
 * payload limit, unlike the time-skipping server) with the real activities. The carry over
 * continue-as-new (~4.7 MB) and the 323's lines (~4 MB) go through the stash (patch 'batch-stash').
 * 200 hand-overs of 50 lines; the first test lowers the batch's continue-as-new mark to 150 events (in
 * production 20,000, or the server's suggestion at 4 MB / 4Ki events).
 */

let env: TemporalTestEnv;
let testDb: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  [env, testDb] = await Promise.all([createDevServerEnv(), createTestDatabase()]);
  await testDb.handle.migrate();
}, 120_000);

afterAll(async () => {
  await env?.teardown();
  await testDb?.drop();
});

const clients = 100;
const perClient = 100;
const perHandOver = 50;
const nummer = (c: number, j: number) => 100_000 + c * perClient + j;

/** One stored 301 per client holding its 100 toewijzingen: where the 323's BSNs are read. */
async function store301s(): Promise<string[]> {
  const ids: string[] = [];
  for (let c = 0; c < clients; c++) {
    const xml = wmo301(
      `SC${String(c).padStart(4, '0')}`,
      Array.from({ length: perClient }, (_, j) => nummer(c, j)),
      (products) => {
        for (const p of products) p.Product = { Categorie: '01', Code: '01A01' };
      },
    );
    const [row] = await testDb.handle.db
      .insert(inboxMessages)
      .values({
        transport: 'api',
        messageType: 'WMO301',
        afzender: sampleGemeente,
        ontvanger: sampleAanbieder,
        payload: xml,
        payloadSha256: createHash('sha256').update(xml).digest('hex'),
        sizeBytes: Buffer.byteLength(xml),
        identificatie: `SC${String(c).padStart(4, '0')}`,
        status: 'routed',
      })
      .returning({ id: inboxMessages.id });
    ids.push(row?.id as string);
  }
  return ids;
}

function lineOf(maand: string, c: number, j: number, messageId: string): ClaimLine {
  const n = nummer(c, j);
  return {
    referentieNummer: referentieNummer({
      gemeente: sampleGemeente,
      toewijzingNummer: n,
      periode: `${maand}-01`,
      productCode: '01A01',
      volgnummer: 0,
    }),
    toewijzingNummer: n,
    clientRef: `c_scale_client_${c}`,
    toewijzingMessageId: messageId,
    categorie: '01',
    code: '01A01',
    productPeriode: { begindatum: `${maand}-01`, einddatum: `${maand}-28` },
    volume: 16,
    eenheid: '04',
    tarief: 6640,
    bedrag: 16 * 6640,
    debetCredit: 'D',
  };
}

/** 200 hand-overs of 50 lines (one assignment per line would be 10,000 signals: the same bytes). */
async function handOver(maand: string, messageIds: string[], taskQueue: string, maxHistoryEvents?: number) {
  const workflowId = claimsBatchWorkflowId(sampleAanbieder, sampleGemeente, maand);
  const all = messageIds.flatMap((id, c) =>
    Array.from({ length: perClient }, (_, j) => lineOf(maand, c, j, id)),
  );
  let firstRunId = '';
  for (let i = 0; i < all.length; i += perHandOver) {
    const h = await env.client.workflow.signalWithStart('claimsBatchWorkflow', {
      taskQueue,
      workflowId,
      args: [
        {
          aanbieder: sampleAanbieder,
          gemeente: sampleGemeente,
          maand,
          profile: profiles.profileFor(sampleGemeente),
          ...(maxHistoryEvents ? { maxHistoryEvents } : {}),
        },
      ],
      signal: claimLinesSignal,
      signalArgs: [
        {
          assignmentWorkflowId: `wmo:${sampleGemeente}:scale-${i}`,
          handOverKey: `scale-${i}`,
          lines: all.slice(i, i + perHandOver),
        },
      ],
    });
    firstRunId ||= h.signaledRunId;
  }
  return { handle: env.client.workflow.getHandle(workflowId), firstRunId };
}

/** Polls `read` until `done`; a query a run cannot answer yet (it is loading its stash) is asked again. */
async function until<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  for (let i = 0; ; i++) {
    const v = await read().catch((err) => {
      if (i < 1200 && err?.name === 'QueryNotRegisteredError') return undefined;
      throw err;
    });
    if (v !== undefined && (done(v) || i >= 1200)) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('a claims batch of 10,000 lines', () => {
  let messageIds: string[];
  beforeAll(async () => {
    messageIds = await store301s();
  }, 120_000);

  it('continues as new with its 10,000 lines stashed, none lost', async () => {
    const { worker, taskQueue } = await createTestWorker(
      env,
      createActivities({ db: testDb.handle.db, temporal: env.client }),
    );
    await worker.runUntil(async () => {
      // A month still open: the batch collects (and continues as new) instead of submitting.
      const maand = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 7);
      const { handle, firstRunId } = await handOver(maand, messageIds, taskQueue, 150);
      // Continued as new (at 150 events) while the hand-overs kept coming: every one is in the run now.
      const state = await until(
        async () => ({ s: await handle.query(batchSummaryQuery), d: await handle.describe() }),
        (v) => v.s.handOvers === 200 && v.d.runId !== firstRunId,
      );
      expect(state.d.runId).not.toBe(firstRunId);
      expect(state.s.lineCount).toBe(10_000);
      expect(state.s.totaal).toBe(10_000 * 16 * 6640);
      const first = await env.client.workflow.getHandle(handle.workflowId, firstRunId).describe();
      expect(first.status.name).toBe('CONTINUED_AS_NEW');
      await handle.terminate('test done');
    });
  }, 600_000);

  it('writes one 323 of 10,000 lines to the outbox', async () => {
    const { worker, taskQueue } = await createTestWorker(
      env,
      createActivities({ db: testDb.handle.db, temporal: env.client }),
    );
    const maand = '2026-06';
    const { handle } = await handOver(maand, messageIds, taskQueue);
    await worker.runUntil(async () => {
      const state = await until(
        () => handle.query(batchSummaryQuery),
        (s) => s.status !== 'verzamelen',
      );
      expect(state.status).toBe('ingediend');
      const [row] = await testDb.handle.db
        .select()
        .from(outboxMessages)
        .where(eq(outboxMessages.workflowId, handle.workflowId));
      const sent = decodeAs(row?.payload as string, 'WMO323');
      // The test 301s are all the sample client's: one BSN, its 10,000 lines.
      expect(sent.bericht.Declaratie.Clienten.Client.flatMap((c) => c.Prestaties.Prestatie)).toHaveLength(
        10_000,
      );
      expect(sent.bericht.Declaratie.TotaalIngediendBedrag).toEqual({
        TotaalBedrag: 10_000 * 16 * 6640,
        DebetCredit: 'D',
      });
      const stored = await testDb.handle.db
        .select({ ref: claimBatchLines.referentieNummer })
        .from(claimBatchLines)
        .where(eq(claimBatchLines.batchWorkflowId, handle.workflowId));
      expect(stored).toHaveLength(10_000);
      await handle.terminate('test done');
    });
  }, 600_000);
});
