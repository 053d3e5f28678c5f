import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { eq } from 'drizzle-orm';
import { createActivities } from '../activities';
import { handOverClaimLines } from '../activities/claims';
import { loadProfiles } from '../config/profiles';
import { type ClaimLine, claimsBatchWorkflowId } from '../contract/claims';
import { createDatabase, inboxMessages, outboxMessages } from '../db';
import { referentieNummer } from '../declaratie';
import { decode, encode } from '../iwmo';
import { createKeyring, dataConverterFor } from '../security';
import { sampleAanbieder as aanbieder, sampleGemeente as gemeente, wmo301 } from '../test/support/messages';
import { createDevServerEnv } from '../test/support/temporal';

/*
 * npm run bench:claims: a period end with BENCH_LINES (10,000) active assignments in one gemeente — from
 * the first hand-over until the 323 is in the outbox (handed to the transport) — beside as many
 * workflows whose timer fires one activity, on the same Temporal CLI dev server (in memory) and PGlite, in
 * the same run. The batch is driven directly: each assignment's hand-over is the real
 * handOverClaimLines activity (run in the SDK's activity context), one line per assignment, signalled
 * before the batch's worker (its own task queue) starts: the month is long past, so the batch submits in
 * its first task, with every line. The time counts the hand-overs, the batch taking them, the 323's
 * assembly and BSN lookup, XSD-checked build and outbox write. Then the 323's decode/encode time and
 * memory (heap growth over the call, GC run before when node has --expose-gc). Reports only.
 */

const n = Number(process.env.BENCH_LINES ?? 10_000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 50);
const perClient = 100;
const maand = '2026-06';
const namespace = 'default';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
async function pool<T>(items: T[], width: number, fn: (t: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

Runtime.install({ logger: new DefaultLogger('WARN') });
const loadBefore = load();
const dir = mkdtempSync(join(tmpdir(), 'iwmo-bench-claims-'));
const stops: Array<() => Promise<unknown> | unknown> = [];
try {
  // The Temporal CLI dev server in memory (the tests' server): the embedded one with its SQLite file and
  // synchronous=full managed ~2 timer workflows/s on the shared 2-core machine (load ~8), too slow for 10,000.
  const temporal = await createDevServerEnv();
  stops.unshift(() => temporal.teardown());
  const connection = temporal.connection;
  const database = createDatabase({ pgliteDir: join(dir, 'pglite') });
  stops.unshift(() => database.close());
  await database.migrate();
  const dataConverter = dataConverterFor(
    createKeyring([{ id: 'bench', key: randomBytes(32).toString('base64') }], 'bench'),
  );
  const client = new Client({ connection, namespace, dataConverter });
  const profile = loadProfiles().profileFor(gemeente);

  // The stored 301s the 323 reads its BSNs from: one per 100 toewijzingen.
  const lines: ClaimLine[] = [];
  for (let c = 0; c * perClient < n; c++) {
    const nummers = Array.from(
      { length: Math.min(perClient, n - c * perClient) },
      (_, j) => 100_000 + c * perClient + j,
    );
    const xml = wmo301(`BC${String(c).padStart(4, '0')}`, nummers, (ps) => {
      for (const p of ps) p.Product = { Categorie: '01', Code: '01A01' };
    });
    const [row] = await database.db
      .insert(inboxMessages)
      .values({
        transport: 'api',
        messageType: 'WMO301',
        afzender: gemeente,
        ontvanger: aanbieder,
        payload: xml,
        payloadSha256: createHash('sha256').update(xml).digest('hex'),
        sizeBytes: Buffer.byteLength(xml),
        identificatie: `BC${String(c).padStart(4, '0')}`,
        status: 'routed',
      })
      .returning({ id: inboxMessages.id });
    for (const nr of nummers)
      lines.push({
        referentieNummer: referentieNummer({
          gemeente,
          toewijzingNummer: nr,
          periode: `${maand}-01`,
          productCode: '01A01',
          volgnummer: 0,
        }),
        toewijzingNummer: nr,
        clientRef: `c_bench_client_${c}`,
        toewijzingMessageId: row?.id as string,
        categorie: '01',
        code: '01A01',
        productPeriode: { begindatum: `${maand}-01`, einddatum: `${maand}-30` },
        volume: 16,
        eenheid: '04',
        tarief: 6640,
        bedrag: 16 * 6640,
        debetCredit: 'D',
      });
  }

  const touched = new Map<string, number>();
  const nativeConnection = temporal.nativeConnection;
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace,
    taskQueue: 'bench-claims',
    dataConverter,
    workflowsPath: fileURLToPath(new URL('./claims/workflows.ts', import.meta.url)),
    activities: {
      ...createActivities({ db: database.db, temporal: client }),
      touch: async (id: string) => void touched.set(id, performance.now()),
    },
  });

  // 1. Baseline: n workflows, each a 1 s timer then one activity, the worker running.
  const run = worker.run();
  stops.unshift(async () => {
    worker.shutdown();
    await run;
  });
  const t0 = performance.now();
  const ids = Array.from({ length: n }, (_, i) => `bench-timer-${i}`);
  await pool(ids, concurrency, async (id) => {
    await client.workflow.start('timerWorkflow', {
      taskQueue: 'bench-claims',
      workflowId: id,
      args: [id, 1000],
    });
  });
  while (touched.size < n) await sleep(20);
  const timersMs = performance.now() - t0;
  console.error(`[bench] ${n} timers in ${(timersMs / 1000).toFixed(1)} s`);

  // 2. The period end: n hand-overs through the real activity, then the batch runs to its 323.
  const workflowId = claimsBatchWorkflowId(aanbieder, gemeente, maand);
  // The batch's own task queue, its worker started once every hand-over is in (see the header).
  const env = new MockActivityEnvironment({ taskQueue: 'bench-claims-batch' });
  const t1 = performance.now();
  await pool(lines, concurrency, async (l) => {
    const assignment = `wmo:${gemeente}:${l.toewijzingNummer}`;
    await env.run(
      handOverClaimLines,
      {
        aanbieder,
        gemeente,
        maand,
        profile,
        handOver: { assignmentWorkflowId: assignment, handOverKey: `${assignment}:${maand}`, lines: [l] },
      },
      client,
    );
  });
  const handedMs = performance.now() - t1;
  const batchWorker = await Worker.create({
    connection: nativeConnection,
    namespace,
    taskQueue: 'bench-claims-batch',
    dataConverter,
    workflowsPath: fileURLToPath(new URL('./claims/workflows.ts', import.meta.url)),
    activities: createActivities({ db: database.db, temporal: client }),
  });
  const batchRun = batchWorker.run();
  stops.unshift(async () => {
    batchWorker.shutdown();
    await batchRun;
  });
  let outbox: { payload: string } | undefined;
  while (!outbox) {
    [outbox] = await database.db
      .select({ payload: outboxMessages.payload })
      .from(outboxMessages)
      .where(eq(outboxMessages.workflowId, workflowId));
    if (!outbox) await sleep(100);
  }
  const claimsMs = performance.now() - t1;
  const loadAfter = load();
  console.error(
    `[bench] ${n} hand-overs in ${(handedMs / 1000).toFixed(1)} s, 323 in the outbox after ${(claimsMs / 1000).toFixed(1)} s`,
  );

  // 3. The 323 of n lines: decode and encode, time and heap.
  const xml = outbox.payload;
  const heap = () => process.memoryUsage().heapUsed;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  let h = heap();
  let t = performance.now();
  const decoded = decode(xml);
  const decodeMs = performance.now() - t;
  const decodeHeap = heap() - h;
  if (!decoded.ok) throw new Error('the 323 does not decode');
  gc?.();
  h = heap();
  t = performance.now();
  const encoded = encode(decoded.value.message, { rules: 'report' });
  const encodeMs = performance.now() - t;
  const encodeHeap = heap() - h;
  const mib = (b: number) => (b / 2 ** 20).toFixed(1);
  console.log(`| lines | timers (start → activity, all) | period end → 323 in outbox | ratio | hand-overs alone |
| ----: | ----: | ----: | ----: | ----: |
| ${n} | ${(timersMs / 1000).toFixed(1)} s | ${(claimsMs / 1000).toFixed(1)} s | ${(claimsMs / timersMs).toFixed(2)}× | ${(handedMs / 1000).toFixed(1)} s |

323 of ${n} lines: ${mib(Buffer.byteLength(xml))} MiB XML; decode ${decodeMs.toFixed(0)} ms (heap +${mib(decodeHeap)} MiB), encode ${encodeMs.toFixed(0)} ms (heap +${mib(encodeHeap)} MiB, ${encoded.ok ? 'ok' : 'findings'}).
Load average (1/5/15 min) before: ${loadBefore}; after: ${loadAfter}. ${cpus().length} CPUs.`);
} finally {
  for (const stop of stops) await stop();
  rmSync(dir, { recursive: true, force: true });
}
