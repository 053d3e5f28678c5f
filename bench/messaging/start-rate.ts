import type { Worker } from '@temporalio/worker';
import { cpuTable, cpuTree } from './profile';
import { type SeedDeps, type SeedResult, seedSleeping } from './seed';

/*
 * BENCH_SLEEPING=N (bench/messaging.ts), issue 17's "start rate with many sleeping assignments stored vs an
 * empty database": the trivial run (start + one activity) on the empty server, then N sleeping assignment
 * workflows stored (./seed.ts), then the same trivial run again on the same server and worker. Also the
 * worker process's memory before and after storing them, per workflow the worker keeps cached.
 */

export interface StartRateDeps extends SeedDeps {
  worker: Worker;
  /** The trivial workload: wall ms for the bench's n workflows. */
  trivialRun: (prefix: string) => Promise<number>;
  /** The same workload on a second worker of its own (own task queue, empty cache), shut down after. */
  freshWorkerRun: (prefix: string) => Promise<number>;
  /** Idle time before the last trivial run (autovacuum and the server's background work after the storing). */
  settleMs: number;
  trivialCount: number;
  concurrency: number;
  timeoutMs: number;
}

export interface StartRateResult {
  emptyRate: number;
  sleepingRate: number;
  seed: SeedResult;
  seedRate: number;
  cached: number;
  /** CPU per stored assignment and per trivial workflow, by process (bench/messaging/profile.ts). */
  cpuEmpty: string;
  cpuSeed: string;
  cpuTrivial: string;
  /** The causes apart: a fresh worker (no cached assignments) on the same server; the first run again after idling. */
  freshRate: number;
  againRate: number;
  cpuFresh: string;
  cpuAgain: string;
  /** Bytes per cached workflow: (after − before) ÷ cached workflows, for the process's RSS and main heap. */
  rssPerCached: number;
  heapPerCached: number;
}

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

export async function startRate(deps: StartRateDeps, sleeping: number): Promise<StartRateResult> {
  const empty = await timedTrivial(deps, 'CPU, trivial run on the empty server', () =>
    deps.trivialRun('bench-empty'),
  );
  const before = process.memoryUsage();
  console.error(
    `[bench] empty: ${deps.trivialCount} trivial in ${(empty.ms / 1000).toFixed(1)} s; storing ${sleeping}`,
  );
  const cpuBefore = cpuTree();
  const seed = await seedSleeping(deps, sleeping, deps.concurrency, deps.timeoutMs);
  const cpuSeeded = cpuTree();
  const after = process.memoryUsage();
  const cached = deps.worker.getStatus().numCachedWorkflows;
  console.error(
    `[bench] ${sleeping} asleep in ${(seed.settledMs / 1000).toFixed(1)} s; ${cached} cached; ` +
      `RSS ${mib(before.rss)} → ${mib(after.rss)} MiB`,
  );
  const stored = await timedTrivial(deps, 'CPU, trivial run with them stored', () =>
    deps.trivialRun('bench-baseline'),
  );
  // Which side is slower, the worker (its cache full of assignments) or the server (its tables full)?
  const fresh = await timedTrivial(deps, 'CPU, trivial run on a fresh worker', () =>
    deps.freshWorkerRun('bench-fresh'),
  );
  console.error(`[bench] fresh worker: ${(fresh.ms / 1000).toFixed(1)} s; idling ${deps.settleMs / 1000} s`);
  await new Promise((r) => setTimeout(r, deps.settleMs));
  const again = await timedTrivial(deps, 'CPU, trivial run again after idling', () =>
    deps.trivialRun('bench-again'),
  );
  const rate = (ms: number) => (deps.trivialCount / ms) * 1000;
  return {
    freshRate: rate(fresh.ms),
    againRate: rate(again.ms),
    cpuFresh: fresh.table,
    cpuAgain: again.table,
    cpuEmpty: empty.table,
    cpuSeed: cpuTable('CPU, storing the sleeping assignments', cpuBefore, cpuSeeded, sleeping),
    cpuTrivial: stored.table,
    emptyRate: rate(empty.ms),
    sleepingRate: rate(stored.ms),
    seed,
    seedRate: (sleeping / seed.settledMs) * 1000,
    cached,
    rssPerCached: cached ? (after.rss - before.rss) / cached : 0,
    heapPerCached: cached ? (after.heapUsed - before.heapUsed) / cached : 0,
  };
}

/** One trivial run, its wall ms and a table of the CPU it cost by process. */
async function timedTrivial(deps: StartRateDeps, title: string, run: () => Promise<number>) {
  const from = cpuTree();
  const ms = await run();
  return { ms, table: cpuTable(title, from, cpuTree(), deps.trivialCount) };
}

/** The markdown of a start-rate run (the caller prints the heading line with versions and load). */
export function startRateTable(r: StartRateResult, trivialCount: number, concurrency: number): string {
  const { seed } = r;
  const kib = (b: number) => (b / 1024).toFixed(1);
  return [
    '| run | workflows | workflows/s |',
    '| :-- | --------: | ----------: |',
    `| trivial (start + one activity, ${concurrency} in flight), empty server | ${trivialCount} | ${r.emptyRate.toFixed(1)} |`,
    `| storing sleeping assignments (301 → inbound → workflow → 302 → asleep) | ${seed.n} | ${r.seedRate.toFixed(1)} |`,
    `| trivial, with ${seed.n} sleeping assignments stored | ${trivialCount} | ${r.sleepingRate.toFixed(1)} |`,
    `| the same on a fresh worker of its own (no assignment in its cache) | ${trivialCount} | ${r.freshRate.toFixed(1)} |`,
    `| the first again, after idling | ${trivialCount} | ${r.againRate.toFixed(1)} |`,
    '',
    `storing: all ${seed.n} 301s routed after ${(seed.routedMs / 1000).toFixed(1)} s, all asleep (read-model row ` +
      `written) after ${(seed.settledMs / 1000).toFixed(1)} s; ${seed.outbox302} WMO302 in the outbox; ` +
      `${seed.open} assignment workflows Running in visibility; sample: ${seed.sample.sleeping} of ` +
      `${seed.sample.checked} sleeping (Running, no activity pending, toegewezen, 302 sent, deadline open, no BSN in state)` +
      (seed.sample.problems.length ? `; problems: ${seed.sample.problems.slice(0, 5).join('; ')}` : ''),
    '',
    `worker memory: ${r.cached} workflows cached after storing; per cached workflow RSS +${kib(r.rssPerCached)} KiB, ` +
      `main-thread heap +${kib(r.heapPerCached)} KiB (the whole process: PGlite, when used, grows in it too)`,
    '',
    r.cpuEmpty,
    '',
    r.cpuSeed,
    '',
    r.cpuTrivial,
    '',
    r.cpuFresh,
    '',
    r.cpuAgain,
    '',
    `start rate with ${seed.n} sleeping assignments vs empty: ${(r.sleepingRate / r.emptyRate).toFixed(2)}× ` +
      `(target ≥ 0.80: ${r.sleepingRate / r.emptyRate >= 0.8 ? 'MET' : 'MISSED'}); ` +
      `fresh worker ${(r.freshRate / r.emptyRate).toFixed(2)}×, again after idling ${(r.againRate / r.emptyRate).toFixed(2)}×`,
  ].join('\n');
}
