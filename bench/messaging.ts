import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import postgres from 'postgres';
import { createActivities } from '../activities';
import { createInbound, type Inbound } from '../activities/inbound';
import { createCodecPool } from '../activities/messaging/codec-pool';
import { startDevServer } from '../app/dev-server';
import { ensurePollLoop, stopPollLoop } from '../app/message-poll';
import { ensureSearchAttributes } from '../app/search-attributes';
import { loadProfiles } from '../config/profiles';
import type { MessagePollInput } from '../contract/messaging';
import { createDatabase } from '../db';
import { startFullServer } from '../scripts/temporal-server';
import { clientRef, createKeyring, dataConverterFor } from '../security';
import { generateTestPki, readPair } from '../simulator/certs';
import { parseScenario } from '../simulator/scenario';
import { startSimulator } from '../simulator/server';
import { startCluster } from '../test/support/postgres-cluster';
import { messageTypeOf } from '../transport/berichtstroom';
import { createRestTransport, vecozoEndpoints } from '../transport/rest/client';
import type { Transport } from '../transport/types';
import { benchWorkflow } from './dev-server/workflow';
import {
  cpuTable,
  cpuTree,
  historyTallies,
  type Tallies,
  talliesTable,
  timedActivities,
  timedCodec,
} from './messaging/profile';
import { startRate, startRateTable } from './messaging/start-rate';

/*
 * npm run bench:messaging: issue 9's end-to-end figure. One run, one embedded Temporal dev server started
 * as `npm start` starts it (WAL + synchronous=full, 1 task-queue partition), PGlite in a temp folder (the
 * `npm start` default), the simulator in this process over HTTPS with mutual TLS, and one worker with the
 * real activities, payload encryption and the message poller (a round every MESSAGE_POLL_INTERVAL_MS).
 *   1. messaging: the simulator issues BENCH_TOEWIJZINGEN (1,000) 301s, one client with one product each;
 *      timed from the poller's first fetch to the simulator holding the last 302.
 *   2. baseline, on the same server and worker afterwards: as many workflows of start + one activity,
 *      BENCH_CONCURRENCY (50) in flight, timed from the first start to the last completion.
 * BENCH_RECEIVE_CONCURRENCY / BENCH_DELIVER_CONCURRENCY: the poll round's options (default: its own, 32 and 16).
 * BENCH_DATABASE_URL: an empty PostgreSQL database to use instead of PGlite (migrated here).
 * BENCH_POSTGRES=1: the same on a throwaway PostgreSQL cluster started here (test/support/postgres-cluster.ts).
 * BENCH_SERVER=full: the full Temporal server (scripts/temporal-server.ts: four service processes, 4 history
 * shards) on a throwaway PostgreSQL cluster instead of the dev server; implies BENCH_POSTGRES=1.
 * BENCH_PROFILE=1: also where a toewijzing's time goes (bench/messaging/profile.ts): per activity, per
 * codec operation, and Temporal's scheduled → started latency from a sample of assignment histories.
 * BENCH_MAX_CACHED: the worker's maxCachedWorkflows (default: the SDK's, from the heap limit).
 * BENCH_SETTLE_MS (60,000): with BENCH_SLEEPING, idle time before the last trivial run.
 * BENCH_SLEEPING=N: instead of the messaging half, the start rate with N sleeping assignments stored vs the
 * empty server (bench/messaging/start-rate.ts): the trivial run, N assignments stored through the inbound
 * path BENCH_SEED_CONCURRENCY (200) at a time (bench/messaging/seed.ts), the trivial run again, then on a fresh worker, then again after BENCH_SETTLE_MS.
 * Prints markdown; never fails on a figure.
 */

const n = Number(process.env.BENCH_TOEWIJZINGEN ?? 1000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 50);
const intervalMs = Number(process.env.MESSAGE_POLL_INTERVAL_MS ?? 5000);
const timeoutMs = Number(process.env.BENCH_TIMEOUT_MS ?? 15 * 60_000);
/** Round options other than the defaults (workflows/messaging/poll.ts), e.g. 1 and 1: one at a time. */
const pollInput: MessagePollInput = {
  ...(process.env.BENCH_RECEIVE_CONCURRENCY
    ? { receiveConcurrency: Number(process.env.BENCH_RECEIVE_CONCURRENCY) }
    : {}),
  ...(process.env.BENCH_DELIVER_CONCURRENCY
    ? { deliverConcurrency: Number(process.env.BENCH_DELIVER_CONCURRENCY) }
    : {}),
  // VECOZO allows pages of up to 250 (the round's default is 50).
  ...(process.env.BENCH_PAGE_SIZE ? { pageSize: Number(process.env.BENCH_PAGE_SIZE) } : {}),
};
const profile = process.env.BENCH_PROFILE === '1';
const serverKind = process.env.BENCH_SERVER === 'full' ? 'full' : 'dev';
const sleeping = Number(process.env.BENCH_SLEEPING ?? 0);
const seedConcurrency = Number(process.env.BENCH_SEED_CONCURRENCY ?? 200);
const tallies: Tallies = new Map();
const namespace = 'default';
const taskQueue = 'iwmo-bench';
const gemeente = '0384';
const aanbieder = '42420001';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** A fresh database for the service's own tables on the bench's cluster. */
async function serviceDatabase(clusterUrl: string): Promise<string> {
  const admin = postgres(clusterUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe('create database iwmo_bench');
  await admin.end();
  const url = new URL(clusterUrl);
  url.pathname = '/iwmo_bench';
  return url.toString();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Counts the transport's fetches and notes when the first one began. */
function timedTransport(inner: Transport) {
  const seen = { firstFetchAt: 0, fetches: 0 };
  const transport: Transport = Object.create(inner);
  transport.fetch = async (limit) => {
    seen.fetches++;
    seen.firstFetchAt ||= performance.now();
    return inner.fetch(limit);
  };
  return { transport, seen };
}

Runtime.install({ logger: new DefaultLogger('WARN') });
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
const loadBefore = load();
const dir = mkdtempSync(join(tmpdir(), 'iwmo-bench-messaging-'));
const stops: Array<() => Promise<unknown> | unknown> = [];
try {
  const cluster =
    serverKind === 'full' || process.env.BENCH_POSTGRES === '1' ? await startCluster() : undefined;
  if (cluster) stops.unshift(() => cluster.stop());
  const server =
    serverKind === 'full' && cluster
      ? await startFullServer({ postgresUrl: cluster.url, namespace, stopGraceMs: 5000 })
      : await startDevServer({
          port: await freePort(),
          uiPort: await freePort(),
          namespace,
          sqlitePragmas: ['journal_mode=wal', 'synchronous=full'],
          taskQueuePartitions: 1,
          dbFile: join(dir, 'temporal.db'),
          banner: false,
        });
  stops.unshift(() => server.stop());
  const connection = await Connection.connect({ address: server.address });
  stops.unshift(() => connection.close());
  await ensureSearchAttributes(connection, namespace);

  const databaseUrl = process.env.BENCH_DATABASE_URL ?? (cluster && (await serviceDatabase(cluster.url)));
  const database = createDatabase(databaseUrl ? { url: databaseUrl } : { pgliteDir: join(dir, 'pglite') });
  stops.unshift(() => database.close());
  await database.migrate();

  const keyring = createKeyring([{ id: 'bench', key: randomBytes(32).toString('base64') }], 'bench');
  const dataConverter = dataConverterFor(keyring);
  const refSecret = randomBytes(32).toString('hex');
  const client = new Client({ connection, namespace, dataConverter });

  const pki = await generateTestPki({ dir: join(dir, 'certs'), clients: [aanbieder] });
  const ca = readFileSync(pki.caCert, 'utf8');
  const scenario = parseScenario({
    name: 'bench-messaging',
    gemeente,
    aanbieder,
    toewijzingen: { clients: n, seed: 7, firstNummer: 100_000, issueOnStart: false },
  });
  const sim = await startSimulator({ tls: { ...(await readPair(pki.server)), ca }, scenario });
  stops.unshift(() => sim.close());
  const clientPair = pki.clients[aanbieder];
  if (!clientPair) throw new Error('no client certificate');
  const rest = createRestTransport({
    endpoints: vecozoEndpoints(sim.url),
    tls: { ...(await readPair(clientPair)), ca },
  });
  stops.unshift(() => rest.close());
  const { transport, seen } = timedTransport(rest);

  const pool = createCodecPool();
  await pool.warm(); // as app/start.ts does before the service is ready
  stops.unshift(() => pool.close());
  const codec = profile ? timedCodec(pool, tallies) : pool;
  let inbound: Inbound | undefined;
  // Both arguments: the poller hands over what it read ahead (messaging/predecode.ts), so nothing is decoded twice.
  const receiveMessage: Inbound['receiveMessage'] = (m, ahead) =>
    (inbound as Inbound).receiveMessage(m, ahead);
  const recordUnavailable: Inbound['recordUnavailable'] = (m) => (inbound as Inbound).recordUnavailable(m);
  const touched = new Set<string>();
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  stops.unshift(() => nativeConnection.close());
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace,
    taskQueue,
    dataConverter,
    workflowsPath: fileURLToPath(new URL('./messaging/workflows.ts', import.meta.url)),
    ...(process.env.BENCH_MAX_CACHED ? { maxCachedWorkflows: Number(process.env.BENCH_MAX_CACHED) } : {}),
    activities: {
      ...(profile ? (a: ReturnType<typeof createActivities>) => timedActivities(a, tallies) : <T>(a: T) => a)(
        createActivities({
          db: database.db,
          codec,
          transport,
          inbound: { receiveMessage, recordUnavailable },
        }),
      ),
      touch: async (id: string) => void touched.add(id),
    },
  });
  inbound = createInbound({
    db: database.db,
    temporal: client,
    taskQueue,
    profiles: loadProfiles(),
    clientRef: (bsn) => clientRef(bsn, refSecret),
    codec,
  });
  const run = worker.run();
  stops.unshift(async () => {
    worker.shutdown();
    await run;
  });

  /** `n` workflows of start + one activity, `concurrency` in flight; wall ms from the first start. */
  const trivialRun = async (prefix: string, queue = taskQueue): Promise<number> => {
    let next = 0;
    const slot = async () => {
      while (next < n) {
        const workflowId = `${prefix}-${next++}`;
        await client.workflow.execute(benchWorkflow, { taskQueue: queue, workflowId, args: [workflowId] });
      }
    };
    const began = performance.now();
    await Promise.all(Array.from({ length: concurrency }, slot));
    return performance.now() - began;
  };
  const serverLine =
    serverKind === 'full'
      ? 'full server 1.32.0 (4 services, 4 shards) on PostgreSQL'
      : 'dev server WAL + synchronous=full, 1 partition';
  if (sleeping > 0) {
    /** The trivial run on a second worker of its own: the same server, a workflow cache without assignments. */
    const freshWorkerRun = async (prefix: string): Promise<number> => {
      const fresh = await Worker.create({
        connection: nativeConnection,
        namespace,
        taskQueue: `${taskQueue}-fresh`,
        dataConverter,
        workflowsPath: fileURLToPath(new URL('./dev-server/workflow.ts', import.meta.url)),
        activities: { touch: async (id: string) => void touched.add(id) },
      });
      const running = fresh.run();
      try {
        return await trivialRun(prefix, `${taskQueue}-fresh`);
      } finally {
        fresh.shutdown();
        await running;
      }
    };
    const deps = {
      freshWorkerRun,
      settleMs: Number(process.env.BENCH_SETTLE_MS ?? 60_000),
      client,
      db: database.db,
      receive: (m: Parameters<Inbound['receiveMessage']>[0]) => (inbound as Inbound).receiveMessage(m),
      gemeente,
      aanbieder,
      worker,
      trivialRun,
      trivialCount: n,
      concurrency: seedConcurrency,
      timeoutMs,
    };
    const r = await startRate(deps, sleeping);
    if (touched.size !== 4 * n)
      throw new Error(`trivial runs: ${touched.size} activities ran, expected ${4 * n}`);
    console.log(`# Start rate with ${sleeping} sleeping assignments stored vs an empty server\n`);
    console.log(
      `Node ${process.version}, ${availableParallelism()} cores, ${new Date().toISOString()}; ${serverLine}; ` +
        `${database.kind}; storing ${seedConcurrency} at a time. Load average (1/5/15 min) before ${loadBefore}, at the end ${load()}.\n`,
    );
    console.log(startRateTable(r, n, concurrency));
    const { seed } = r;
    console.log(
      `\nBENCH_RESULT ${JSON.stringify({ server: serverKind, database: database.kind, n, sleeping, emptyRate: r.emptyRate, sleepingRate: r.sleepingRate, freshRate: r.freshRate, againRate: r.againRate, seedRate: r.seedRate, open: seed.open, sample: `${seed.sample.sleeping}/${seed.sample.checked}`, cached: r.cached, rssPerCachedKiB: r.rssPerCached / 1024, loadBefore, loadEnd: load() })}`,
    );
  } else {
    // 0. BENCH_EMPTY_BASELINE=1: the same trivial run first, on an empty server and database, to compare
    // with the baseline after, when the n assignments of the messaging half are stored and sleeping.
    const emptyMs = process.env.BENCH_EMPTY_BASELINE === '1' ? await trivialRun('bench-empty') : 0;

    // 1. 301 → 302 through the simulator, the poller (app/message-poll.ts) running its rounds.
    const issued = new Set(sim.issue(n));
    /** One pass over the simulator's mailboxes: 302s received, 301s confirmed. */
    const progress = () => {
      let retours = 0;
      let confirmed = 0;
      for (const m of sim.store.all()) {
        if (m.afzender.code === aanbieder && messageTypeOf(m.berichtstroom) === 'WMO302') retours++;
        else if (m.confirmed && issued.has(m.traceerId)) confirmed++;
      }
      return { retours, confirmed };
    };
    let inboxDoneAt = 0;
    console.error(`[bench] issued ${n} WMO301; poll round every ${intervalMs} ms`);
    const cpuStart = cpuTree();
    await ensurePollLoop(client, { taskQueue, intervalMs, round: pollInput });
    const deadline = performance.now() + timeoutMs;
    let lastLog = 0;
    // Every 250 ms, not faster: this watch runs in the process it measures (it cost ~1.6 ms of CPU per
    // toewijzing at every 20 ms), and 250 ms is under 0.5% of a run's wall time.
    for (let p = progress(), done = p.retours; done < n; p = progress(), done = p.retours) {
      if (!inboxDoneAt && p.confirmed === n) inboxDoneAt = performance.now();
      if (performance.now() > deadline) throw new Error(`only ${done} of ${n} WMO302 after ${timeoutMs} ms`);
      if (performance.now() - lastLog > 10_000) {
        console.error(`[bench] ${done} WMO302 at the simulator`);
        lastLog = performance.now();
      }
      await sleep(250);
    }
    const messagingMs = performance.now() - seen.firstFetchAt;
    inboxDoneAt ||= performance.now();
    await stopPollLoop(client, 'bench: messaging half done');
    const loadMid = load();
    const cpuMid = cpuTree();
    // Read now, before the baseline adds its own activity (`touch`) to the tallies.
    const messagingTallies = new Map(tallies);
    const history = profile ? await historyTallies(client, 100) : undefined;
    console.error(`[bench] messaging: ${n} WMO302 in ${(messagingMs / 1000).toFixed(1)} s`);

    // 2. Baseline: start + one activity, same server, same worker, `concurrency` in flight.
    const cpuBaseline = cpuTree();
    const baselineMs = await trivialRun('bench-baseline');
    const cpuEnd = cpuTree();
    if (touched.size !== n * (emptyMs ? 2 : 1))
      throw new Error(`baseline: ${touched.size} activities ran, expected ${n * (emptyMs ? 2 : 1)}`);

    const messagingRate = (n / messagingMs) * 1000;
    const baselineRate = (n / baselineMs) * 1000;
    console.log('# Messaging end to end vs start + one activity\n');
    console.log(
      `Node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ` +
        `${new Date().toISOString()}; ${serverLine}; ${database.kind}; ` +
        `poll every ${intervalMs} ms, round options ${JSON.stringify(pollInput)}; ${seen.fetches} fetches. Load average (1/5/15 min) before ${loadBefore}, ` +
        `after messaging ${loadMid}, at the end ${load()}.\n`,
    );
    console.log('| run | workflows | wall s | workflows/s | messages/s |');
    console.log('| :-- | --------: | -----: | ----------: | ---------: |');
    console.log(
      `| 301 → 302 via the simulator | ${n} | ${(messagingMs / 1000).toFixed(1)} | ${messagingRate.toFixed(1)} | ` +
        `${(((2 * n) / messagingMs) * 1000).toFixed(1)} (${n} in + ${n} out) |`,
    );
    console.log(
      `| baseline: start + one activity, ${concurrency} in flight | ${n} | ${(baselineMs / 1000).toFixed(1)} | ` +
        `${baselineRate.toFixed(1)} | |`,
    );
    const inboxS = (inboxDoneAt - seen.firstFetchAt) / 1000;
    console.log(
      `\nof which: first fetch → all ${n} WMO301 stored, routed and confirmed ${inboxS.toFixed(1)} s; ` +
        `→ the last WMO302 at the simulator ${(messagingMs / 1000 - inboxS).toFixed(1)} s more.`,
    );
    if (emptyMs) {
      const emptyRate = (n / emptyMs) * 1000;
      console.log(
        `\nstart rate (start + one activity): empty ${emptyRate.toFixed(1)} wf/s, with ${n} sleeping assignments ` +
          `${baselineRate.toFixed(1)} wf/s: ${(baselineRate / emptyRate).toFixed(2)}× (target ≥ 0.80)`,
      );
    }
    if (profile) {
      console.log(`\n${cpuTable('CPU, 301 → 302 half', cpuStart, cpuMid, n)}`);
      console.log(`\n${cpuTable('CPU, baseline half', cpuBaseline, cpuEnd, n)}`);
    }
    if (history) {
      console.log(`\n${talliesTable('activity / codec op (this worker, wall ms)', messagingTallies, n)}`);
      console.log(
        `\n${talliesTable(`Temporal, from ${history.workflows} assignment histories`, history.t, history.workflows)}`,
      );
    }
    const ratio = messagingRate / baselineRate;
    console.log(
      `\nratio ${ratio.toFixed(2)}× the baseline's workflow rate (target ≥ 0.80: ${ratio >= 0.8 ? 'MET' : 'MISSED'})`,
    );
    // One line for bench/side-by-side.ts, which runs this file once per topology.
    console.log(
      `\nBENCH_RESULT ${JSON.stringify({ server: serverKind, database: database.kind, n, messagingRate, baselineRate, ratio, emptyRate: emptyMs ? (n / emptyMs) * 1000 : undefined, loadBefore, loadEnd: load() })}`,
    );
  }
} finally {
  for (const stop of stops)
    await Promise.resolve()
      .then(stop)
      .catch((e) => console.error(`[bench] stop: ${e}`));
  rmSync(dir, { recursive: true, force: true });
}
