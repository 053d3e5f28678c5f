import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { inlineCodec, type MessageCodec } from '../activities/messaging/codec';
import { createCodecPool } from '../activities/messaging/codec-pool';
import { wmo323WithLines } from './documents';

/*
 * npx tsx bench/offload.ts [lines]: how long the event loop stalls while a large WMO323 (default 25,000
 * lines, ~24 MB) is inspected for the inbox — in this thread (inlineCodec) versus in the worker-thread
 * pool (createCodecPool) that activities/inbound.ts uses. A 5 ms interval ticks meanwhile; its worst
 * lateness is what any other request would have waited. Reports only.
 */

const lines = Number(process.argv[2] ?? 25_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const today = '2026-11-20';

const sample = readFileSync(
  new URL('../test/fixtures/iwmo-3.2/messages/WMO323.xml', import.meta.url),
  'utf8',
);
const xml = wmo323WithLines(sample, lines);
const mib = (Buffer.byteLength(xml) / 2 ** 20).toFixed(1);

interface Round {
  wallMs: number;
  maxStallMs: number;
  ticks: number;
}

async function round(codec: MessageCodec): Promise<Round> {
  let ticks = 0;
  let worst = 0;
  let last = performance.now();
  const interval = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 5);
    last = now;
    ticks++;
  }, 5);
  const start = performance.now();
  const inspection = await codec.inspect(xml, today);
  const wallMs = performance.now() - start;
  // Let the interval fire once more: after a blocking decode its late tick is the stall.
  await new Promise((r) => setTimeout(r, 20));
  clearInterval(interval);
  if (!inspection.ok || inspection.type !== 'WMO323') throw new Error('the bench WMO323 does not decode');
  return { wallMs, maxStallMs: worst, ticks };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function measure(name: string, codec: MessageCodec) {
  await round(codec); // warm-up: JIT, and for the pool the worker's start
  const results: Round[] = [];
  for (let i = 0; i < rounds; i++) results.push(await round(codec));
  const f = (pick: (r: Round) => number) => median(results.map(pick)).toFixed(0);
  return `| ${name} | ${f((r) => r.wallMs)} | ${f((r) => r.maxStallMs)} | ${f((r) => r.ticks)} |`;
}

console.log(
  `WMO323 with ${lines} lines (${mib} MiB), ${rounds} rounds (median), ${availableParallelism()} cores, Node ${process.version}\n`,
);
console.log('| inspect runs in | wall ms | worst event-loop stall ms | 5 ms ticks meanwhile |');
console.log('| :-------------- | ------: | ------------------------: | -------------------: |');
console.log(await measure('this thread (inlineCodec)', inlineCodec));
const pool = createCodecPool({ size: 2 });
console.log(await measure('worker pool (createCodecPool)', pool));
await pool.close();
