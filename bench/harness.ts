import { PerformanceObserver, performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';

/*
 * A deliberately small benchmark harness: per case a warm-up (which also calibrates N so one round
 * takes about `roundMs`), then `rounds` timed rounds of N calls each, timed with performance.now().
 * The cases of one group run round-robin (round 1 of every case, then round 2, …), so drift in the
 * machine (thermal, other load, GC pressure) hits all of them alike. Reported: the median ops/s over
 * the rounds and the slowest and fastest round.
 */

export interface Case {
  name: string;
  /** Bytes of XML one call consumes or produces; for MB/s. */
  bytes: number;
  fn: () => unknown;
}

export interface Sample {
  name: string;
  bytes: number;
  iterations: number;
  rounds: number;
  median: number;
  min: number;
  max: number;
}

export interface HarnessOptions {
  rounds: number;
  roundMs: number;
  warmupMs: number;
}

const envNumber = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

export const defaultOptions: HarnessOptions = {
  rounds: envNumber('BENCH_ROUNDS', 9),
  roundMs: envNumber('BENCH_ROUND_MS', 250),
  warmupMs: envNumber('BENCH_WARMUP_MS', 750),
};

/** Results go here so the optimiser cannot drop a call whose value is unused. */
let sink: unknown;
let sinkCount = 0;
const consume = (value: unknown) => {
  sink = value;
  if (sink === undefined) sinkCount++;
};
export const sinkUsed = () => sinkCount;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function warmUp(c: Case, options: HarnessOptions): number {
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < options.warmupMs || calls < 5) {
    consume(c.fn());
    calls++;
    elapsed = performance.now() - start;
  }
  // Calibrate on the second half of the warm-up would be nicer; the whole warm-up errs on the slow side.
  return Math.max(1, Math.round(options.roundMs / (elapsed / calls)));
}

export function measureGroup(cases: Case[], options: HarnessOptions = defaultOptions): Sample[] {
  const iterations = cases.map((c) => warmUp(c, options));
  const opsPerRound: number[][] = cases.map(() => []);
  for (let r = 0; r < options.rounds; r++) {
    cases.forEach((c, i) => {
      const n = iterations[i] as number;
      const start = performance.now();
      for (let k = 0; k < n; k++) consume(c.fn());
      const ms = performance.now() - start;
      (opsPerRound[i] as number[]).push((n * 1000) / ms);
    });
  }
  return cases.map((c, i) => {
    const ops = opsPerRound[i] as number[];
    return {
      name: c.name,
      bytes: c.bytes,
      iterations: iterations[i] as number,
      rounds: options.rounds,
      median: median(ops),
      min: Math.min(...ops),
      max: Math.max(...ops),
    };
  });
}

/** A forced GC without a command-line flag (the bench runs as plain `tsx bench/run.ts`). */
export const gc: () => void = (() => {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
})();

export interface HeapSample {
  /** heapUsed right after the call minus heapUsed after a full GC before it: what the call allocated, less whatever minor GCs reclaimed during it. */
  growth: number;
  /** heapUsed after a full GC with the result still referenced, minus the baseline: what the result keeps alive. */
  retained: number;
  /** GCs (any kind) that ran during the call; 0 means `growth` is the call's whole allocation, i.e. its peak. */
  gcsDuring: number;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 25));

/** Heap use of one call, repeated `times`; each sample from a freshly collected heap. */
export async function measureHeap(fn: () => unknown, times = 5): Promise<HeapSample[]> {
  let gcs = 0;
  const observer = new PerformanceObserver((list) => {
    gcs += list.getEntries().length;
  });
  observer.observe({ entryTypes: ['gc'] });
  const samples: HeapSample[] = [];
  for (let t = 0; t < times; t++) {
    gc();
    gc();
    await settle(); // let the observer take the forced GCs first (entries arrive asynchronously)
    const before = gcs;
    const base = process.memoryUsage().heapUsed;
    const result = fn();
    const after = process.memoryUsage().heapUsed;
    await settle();
    const gcsDuring = gcs - before;
    gc();
    gc();
    const retained = process.memoryUsage().heapUsed - base;
    consume(result); // keep the result alive until after the second measurement
    samples.push({ growth: after - base, retained, gcsDuring });
  }
  observer.disconnect();
  return samples;
}

// ---- formatting ----

export const fmtOps = (ops: number) =>
  ops >= 100 ? Math.round(ops).toLocaleString('en-US') : ops.toFixed(ops >= 10 ? 1 : 2);
export const fmtMBs = (ops: number, bytes: number) => ((ops * bytes) / 1e6).toFixed(1);
export const fmtBytes = (bytes: number) =>
  Math.abs(bytes) >= 1024 * 1024
    ? `${(bytes / (1024 * 1024)).toFixed(2)} MiB`
    : `${(bytes / 1024).toFixed(1)} KiB`;
export const fmtMs = (ms: number) => (ms >= 1 ? ms.toFixed(2) : ms.toFixed(3));

export function table(head: string[], rows: string[][], align: ('l' | 'r')[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const cell = (s: string, i: number) =>
    align[i] === 'r' ? s.padStart(widths[i] ?? 0) : s.padEnd(widths[i] ?? 0);
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  // The separator row in the form biome's markdown formatter writes, so a pasted table stays formatted.
  const rule = `| ${widths.map((w, i) => (align[i] === 'r' ? `${'-'.repeat(w - 1)}:` : `:${'-'.repeat(w - 1)}`)).join(' | ')} |`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}
