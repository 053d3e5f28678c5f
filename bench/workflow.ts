import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { assignmentWorkflowId } from '../contract/assignment';
import { createDevServerEnv, type TemporalTestEnv } from '../test/support/temporal';
import { fmtBytes, table } from './harness';
import { measureBundle } from './workflow-bundle';
import type { ProbeConfig, ProbeResult } from './workflow-memory-probe';
import { bounded, stubActivities, toewijzingFor } from './workflow-support';

/*
 * npm run bench:workflow — the assignment workflow against bare baselines, each pair in the same run
 * on the same local dev server (issue 8's targets; reported, never asserted):
 *   1. the workflow bundle's size, and what it is made of;
 *   2. memory per cached, sleeping workflow: assignment vs a workflow that only awaits condition();
 *   3. start → first activity latency, p50/p99: assignment (signalWithStart → sendMessage of the 302)
 *      vs a trivial workflow (start → one activity), interleaved on one worker.
 * Knobs: BENCH_WF_N (500 workflows per memory probe), BENCH_WF_ROUNDS (2 probes per kind),
 * BENCH_WF_M (200 starts per kind for latency), BENCH_WF_CONCURRENCY (4 starts in flight),
 * BENCH_WF_WORKER_THREAD=1 (memory probes run workflows in a worker thread: then only RSS counts them).
 */

const envNumber = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const N = envNumber('BENCH_WF_N', 500);
const WARM = 20;
const ROUNDS = envNumber('BENCH_WF_ROUNDS', 2);
const M = envNumber('BENCH_WF_M', 200);
const CONCURRENCY = envNumber('BENCH_WF_CONCURRENCY', 4);
const WORKER_THREAD = process.env.BENCH_WF_WORKER_THREAD === '1';
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const verdict = (ok: boolean) => (ok ? 'MET' : 'MISSED');

console.log('# iwmo-flow workflow benchmarks\n');
console.log(
  `Node ${process.version}, ${process.platform}/${process.arch}, ${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${new Date().toISOString()}`,
);
console.log(`Load average (1 / 5 / 15 min) at start: ${load()}\n`);

// ---- 1. bundle size ----

const bundle = await measureBundle();
console.log('## Workflow bundle (app/worker.ts workflowsPath)\n');
console.log(
  table(
    ['bundle', 'bytes'],
    [
      ['as the worker loads it (with inline source map)', fmtBytes(bundle.total)],
      ['inline source map', fmtBytes(bundle.sourceMap)],
      ['code', fmtBytes(bundle.code)],
      ['code, gzip', fmtBytes(bundle.codeGzip)],
    ],
    ['l', 'r'],
  ),
);
console.log('');
console.log(
  table(
    ['part of the code', 'bytes', 'share'],
    bundle.parts
      .slice(0, 8)
      .map((p) => [p.name, fmtBytes(p.bytes), `${((100 * p.bytes) / bundle.code).toFixed(0)}%`]),
    ['l', 'r', 'r'],
  ),
);
console.log('');

// ---- the server and the bench bundles, shared by 2 and 3 ----

const env = await createDevServerEnv();
const scratch = mkdtempSync(join(tmpdir(), 'iwmo-bench-'));
try {
  const bundles = {
    bare: await benchBundle('bare'),
    bareZod: await benchBundle('bare-zod'),
    bench: await benchBundle('index'),
  };
  await memory(env, [
    { label: 'bare, alone in its bundle', workflow: 'bare', codePath: bundles.bare },
    { label: 'bare, bundle loads zod', workflow: 'bare', codePath: bundles.bareZod },
    { label: "bare, in the assignment's bundle", workflow: 'bare', codePath: bundles.bench },
    { label: 'assignment', workflow: 'assignment', codePath: bundles.bench },
  ]);
  await latency(env, bundles.bench);
} finally {
  rmSync(scratch, { recursive: true, force: true });
  await env.teardown();
}
console.log(`Load average at end: ${load()}`);

/** Bundles bench/workflows/<entry>.ts to a file the probes and workers load. */
async function benchBundle(entry: string): Promise<string> {
  const workflowsPath = fileURLToPath(new URL(`./workflows/${entry}.ts`, import.meta.url));
  const codePath = join(scratch, `${entry}.js`);
  writeFileSync(codePath, (await bundleWorkflowCode({ workflowsPath, logger: quiet })).code);
  return codePath;
}

// ---- 2. memory per cached workflow ----

type Probe = Pick<ProbeConfig, 'label' | 'workflow' | 'codePath'>;

async function memory(env: TemporalTestEnv, probes: Probe[]): Promise<void> {
  const script = fileURLToPath(new URL('./workflow-memory-probe.ts', import.meta.url));
  const results: ProbeResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Reverse the order every other round, so drift on the machine does not always favour one probe.
    for (const probe of round % 2 ? [...probes].reverse() : probes) {
      const config: ProbeConfig = {
        ...probe,
        n: N,
        warm: WARM,
        address: env.address,
        offset: 1_000_000 * (1 + results.length),
        workerThread: WORKER_THREAD,
      };
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', script, JSON.stringify(config)],
        { maxBuffer: 1 << 20 },
      );
      const line = stdout
        .trim()
        .split('\n')
        .reverse()
        .find((l) => l.startsWith('{'));
      results.push(JSON.parse(line ?? '{}') as ProbeResult);
    }
  }
  const of = (label: string, pick: (r: ProbeResult) => number) =>
    results
      .filter((r) => r.label === label)
      .map(pick)
      .sort((a, b) => a - b);
  const median = (xs: number[]) => xs[(xs.length - 1) >> 1] as number;
  const heap = (label: string) => median(of(label, (r) => r.heapUsed));
  const rss = (label: string) => median(of(label, (r) => r.rss));
  // The verdicts use the heap, unless the workflows ran in a worker thread, where only RSS sees them.
  const basis = WORKER_THREAD ? 'RSS' : 'heap';
  const judged = WORKER_THREAD ? rss : heap;
  const floor = probes[0]?.label as string;
  const where = WORKER_THREAD
    ? 'workflows in a worker thread, as in production'
    : 'workflows in the main thread';
  console.log(
    `## Memory per cached, sleeping workflow (${N} per worker, ${ROUNDS} worker(s) per row, ${where})\n`,
  );
  const runs = (label: string, pick: (r: ProbeResult) => number) => of(label, pick).map(fmtBytes).join(', ');
  console.log(
    table(
      ['workflow', 'heapUsed / workflow', 'each run', 'RSS / workflow', 'each run', `${basis} ÷ bare alone`],
      probes.map(({ label }) => [
        label,
        fmtBytes(heap(label)),
        runs(label, (r) => r.heapUsed),
        fmtBytes(rss(label)),
        runs(label, (r) => r.rss),
        ratio(judged(label), judged(floor)),
      ]),
      ['l', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  console.log('');
  const a = judged('assignment');
  const alone = judged(floor);
  const sameBundle = judged(probes[2]?.label as string);
  console.log(
    `- ${basis}: assignment is ${ratio(a, alone)} the bare workflow alone — target ≤ 1.5×: ${verdict(a <= 1.5 * alone)}`,
  );
  console.log(
    `- ${basis}: assignment is ${ratio(a, sameBundle)} the bare workflow in the same bundle (same module instances)`,
  );
  console.log(
    `- ${basis}: ${fmtBytes(a)} per assignment — target ≤ 1 MB (10^6 bytes): ${verdict(a <= 1_000_000)}`,
  );
  console.log('');
}

// ---- 3. start → first activity latency ----

async function latency(env: TemporalTestEnv, codePath: string): Promise<void> {
  const reached = new Map<string, (at: number) => void>();
  const activities = stubActivities((name, workflowId) => {
    if (name !== 'sendMessage' && name !== 'touch') return;
    const done = reached.get(workflowId);
    reached.delete(workflowId);
    done?.(performance.now());
  });
  const taskQueue = 'bench-latency';
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath },
    activities,
  });
  let nummer = 0;
  const once = async (kind: 'assignment' | 'trivial'): Promise<number> => {
    nummer++;
    const { version, input } = toewijzingFor(nummer);
    const workflowId =
      kind === 'assignment' ? assignmentWorkflowId('0363', nummer) : `bench-trivial-${nummer}`;
    const first = new Promise<number>((resolve, reject) => {
      reached.set(workflowId, resolve);
      setTimeout(() => reject(new Error(`bench: no first activity for ${workflowId}`)), 60_000).unref();
    });
    const t0 = performance.now();
    if (kind === 'assignment') {
      await env.client.workflow.signalWithStart('assignmentWorkflow', {
        taskQueue,
        workflowId,
        args: [input],
        signal: 'toewijzing',
        signalArgs: [version],
      });
    } else {
      await env.client.workflow.start('trivialActivityWorkflow', { taskQueue, workflowId });
    }
    return (await first) - t0;
  };
  // Interleaved on one worker: both kinds meet the same queue, threads and load at every moment.
  const jobs = (count: number) =>
    Array.from({ length: 2 * count }, (_, i) => {
      const kind = i % 2 ? 'assignment' : 'trivial';
      return async () => ({ kind, ms: await once(kind) });
    });
  const samples = await worker.runUntil(async () => {
    await bounded(jobs(20), CONCURRENCY); // warm-up: the bundle's first load, JIT, connection pools
    return bounded(jobs(M), CONCURRENCY);
  });
  const pct = (kind: string, p: number) => {
    const xs = samples
      .filter((s) => s.kind === kind)
      .map((s) => s.ms)
      .sort((a, b) => a - b);
    return xs[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] as number;
  };
  const ms = (x: number) => x.toFixed(1);
  const [a50, a99, t50, t99] = [
    pct('assignment', 50),
    pct('assignment', 99),
    pct('trivial', 50),
    pct('trivial', 99),
  ];
  console.log(`## Start → first activity (${M} per kind, interleaved, ${CONCURRENCY} in flight)\n`);
  console.log(
    table(
      ['workflow', 'p50 ms', 'p99 ms', 'max ms'],
      [
        ['trivial (start → one activity)', ms(t50), ms(t99), ms(pct('trivial', 100))],
        ['assignment (signalWithStart → sendMessage 302)', ms(a50), ms(a99), ms(pct('assignment', 100))],
        ['assignment ÷ trivial', ratio(a50, t50), ratio(a99, t99), ''],
      ],
      ['l', 'r', 'r', 'r'],
    ),
  );
  console.log('');
  console.log(`- p50: ${ratio(a50, t50)} trivial — target ≤ 1.5×: ${verdict(a50 <= 1.5 * t50)}`);
  console.log(`- p99: ${ratio(a99, t99)} trivial — target ≤ 2×: ${verdict(a99 <= 2 * t99)}`);
  console.log('');
}
