import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { type DevServerOptions, startDevServer } from '../app/dev-server';
import { benchWorkflow } from './dev-server/workflow';

/*
 * npx tsx bench/dev-server.ts: throughput and start→activity latency of the embedded Temporal dev server
 * (the one `npm start` runs) under each storage and partition setting. Per variant: a fresh server on
 * loopback, one in-process worker, BENCH_WORKFLOWS workflows (start + one activity), BENCH_CONCURRENCY of
 * them in flight. Knobs: BENCH_WORKFLOWS (500), BENCH_CONCURRENCY (50), BENCH_WARMUP (25),
 * BENCH_VARIANTS (comma-separated names, default all). Prints markdown; never fails on a figure.
 */

interface Variant {
  name: string;
  storage: string;
  /** `undefined`: in memory, no file. */
  pragmas?: string[];
  partitions?: number;
}

const wal = (sync: string) => ['journal_mode=wal', `synchronous=${sync}`];
const variants: Variant[] = [
  { name: 'default', storage: 'file, SQLite defaults (rollback journal, synchronous=full)', pragmas: [] },
  { name: 'wal-full', storage: 'file, WAL + synchronous=full', pragmas: wal('full') },
  { name: 'wal-normal', storage: 'file, WAL + synchronous=normal', pragmas: wal('normal') },
  { name: 'default-1p', storage: 'file, SQLite defaults', pragmas: [], partitions: 1 },
  { name: 'wal-full-1p', storage: 'file, WAL + synchronous=full', pragmas: wal('full'), partitions: 1 },
  { name: 'wal-normal-1p', storage: 'file, WAL + synchronous=normal', pragmas: wal('normal'), partitions: 1 },
  { name: 'memory', storage: 'in memory (reference: nothing survives a restart)' },
];

const n = Number(process.env.BENCH_WORKFLOWS ?? 500);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 50);
const warmup = Number(process.env.BENCH_WARMUP ?? 25);
const only = process.env.BENCH_VARIANTS?.split(',').map((v) => v.trim());
const taskQueue = 'bench';

interface Result {
  variant: Variant;
  perSecond: number;
  /** start → activity, ms, sorted. */
  latencies: number[];
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** Runs `count` workflows, `concurrency` at a time; returns elapsed ms and start→activity per workflow. */
async function drive(client: Client, touchedAt: Map<string, number>, prefix: string, count: number) {
  const latencies: number[] = [];
  let next = 0;
  const slot = async () => {
    while (next < count) {
      const workflowId = `${prefix}-${next++}`;
      const startedAt = Date.now();
      const handle = await client.workflow.start(benchWorkflow, {
        taskQueue,
        workflowId,
        args: [workflowId],
      });
      await handle.result();
      latencies.push((touchedAt.get(workflowId) as number) - startedAt);
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: concurrency }, slot));
  return { elapsedMs: performance.now() - began, latencies: latencies.sort((a, b) => a - b) };
}

async function runVariant(variant: Variant, workflowBundle: { code: string }): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'iwmo-bench-dev-server-'));
  const opts: DevServerOptions = {
    port: await freePort(),
    uiPort: await freePort(),
    namespace: 'default',
    sqlitePragmas: variant.pragmas ?? [],
    taskQueuePartitions: variant.partitions,
    dbFile: variant.pragmas ? join(dir, 'temporal.db') : undefined,
    banner: false,
  };
  const server = await startDevServer(opts);
  const connection = await Connection.connect({ address: server.address });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const touchedAt = new Map<string, number>();
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    workflowBundle,
    activities: { touch: async (id: string) => void touchedAt.set(id, Date.now()) },
  });
  const run = worker.run();
  try {
    const client = new Client({ connection });
    await drive(client, touchedAt, `warmup-${variant.name}`, warmup);
    const { elapsedMs, latencies } = await drive(client, touchedAt, variant.name, n);
    return { variant, perSecond: (n / elapsedMs) * 1000, latencies };
  } finally {
    worker.shutdown();
    await run;
    await nativeConnection.close();
    await connection.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
const secs = (ms: number) => (ms / 1000).toFixed(2);

function table(results: Result[]): string {
  const rows = [
    '| variant | storage | task-queue partitions | workflows/s | p50 | p90 | p99 | max | > 1 s |',
    '| :------ | :------ | --------------------: | ----------: | --: | --: | --: | --: | ----: |',
  ];
  for (const { variant, perSecond, latencies } of results) {
    const slow = latencies.filter((l) => l > 1000).length / latencies.length;
    rows.push(
      `| ${variant.name} | ${variant.storage} | ${variant.partitions ?? '4 (server default)'} | ` +
        `${perSecond.toFixed(1)} | ${secs(pct(latencies, 50))} s | ${secs(pct(latencies, 90))} s | ` +
        `${secs(pct(latencies, 99))} s | ${secs(latencies.at(-1) ?? Number.NaN)} s | ${(slow * 100).toFixed(0)}% |`,
    );
  }
  return rows.join('\n');
}

Runtime.install({ logger: new DefaultLogger('WARN') });
const workflowBundle = await bundleWorkflowCode({
  workflowsPath: fileURLToPath(new URL('./dev-server/workflow.ts', import.meta.url)),
  logger: new DefaultLogger('WARN'),
});

console.log('# Embedded Temporal dev server: storage and partitions\n');
console.log(
  `Node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ` +
    `${new Date().toISOString()}; ${n} workflows per variant (start + one activity), ${concurrency} in flight, ` +
    `${warmup} warm-up workflows first; latency = workflow start call → activity running.\n`,
);
const results: Result[] = [];
for (const variant of variants.filter((v) => !only || only.includes(v.name))) {
  const result = await runVariant(variant, workflowBundle);
  console.error(`[bench] ${variant.name}: ${result.perSecond.toFixed(1)} workflows/s`);
  results.push(result);
}
console.log(table(results));
