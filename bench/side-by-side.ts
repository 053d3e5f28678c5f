import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { promisify } from 'node:util';

/*
 * npm run bench:topology (issue 17): bench/messaging.ts once per topology, one after the other in one run,
 * each in a child process of its own (a fresh server, database and worker): the trivial workflow rate
 * (start + one activity, 50 in flight) and the 301 → 302 rate through the simulator on
 *   - the dev server with PGlite (`npm start`'s defaults),
 *   - the dev server with PostgreSQL,
 *   - the full Temporal server (four service processes, 4 history shards) on PostgreSQL.
 * Each also runs the trivial workload first on the empty server (BENCH_EMPTY_BASELINE=1), so the start rate
 * with N = BENCH_TOEWIJZINGEN sleeping assignments stored can be compared with an empty database.
 * BENCH_SLEEPING=N: each runs the start-rate mode instead (bench/messaging/start-rate.ts): the trivial rate
 * on the empty server, then with N sleeping assignment workflows stored through the inbound path.
 * BENCH_TOPOLOGIES=dev-pglite,full-postgres picks some; the BENCH_* variables of messaging.ts pass through.
 * Prints markdown; never fails on a figure (a topology that fails is reported as failed).
 */

const run = promisify(execFile);
const topologies: Record<string, Record<string, string>> = {
  'dev-pglite': {},
  'dev-postgres': { BENCH_POSTGRES: '1' },
  'full-postgres': { BENCH_SERVER: 'full' },
};
const picked = (process.env.BENCH_TOPOLOGIES ?? Object.keys(topologies).join(',')).split(',');

interface Result {
  server: string;
  database: string;
  n: number;
  messagingRate: number;
  baselineRate: number;
  ratio: number;
  emptyRate?: number;
  /** BENCH_SLEEPING mode (no messaging half, so no messagingRate/ratio). */
  sleeping?: number;
  sleepingRate?: number;
  seedRate?: number;
  open?: number;
  sample?: string;
  cached?: number;
  rssPerCachedKiB?: number;
  loadBefore: string;
  loadEnd: string;
}

const sleepingMode = Number(process.env.BENCH_SLEEPING ?? 0) > 0;

function sleepingRow(name: string, r: Result): string {
  const ratio = (r.sleepingRate ?? 0) / (r.emptyRate ?? 1);
  return (
    `| ${name} | ${r.sleeping} | ${r.seedRate?.toFixed(1)} | ${r.open}, ${r.sample} | ` +
    `${r.emptyRate?.toFixed(1)} → ${r.sleepingRate?.toFixed(1)}: ${ratio.toFixed(2)} | ` +
    `${r.cached}, ${r.rssPerCachedKiB?.toFixed(0)} KiB | ${r.loadBefore} → ${r.loadEnd} |`
  );
}

const rows: string[] = [];
for (const name of picked) {
  const env = topologies[name];
  if (!env) throw new Error(`unknown topology '${name}' (known: ${Object.keys(topologies).join(', ')})`);
  process.stderr.write(`[topology] ${name}: load ${loadavg()[0]?.toFixed(2)}\n`);
  try {
    const { stdout } = await run('npx', ['tsx', 'bench/messaging.ts'], {
      env: { BENCH_EMPTY_BASELINE: '1', ...process.env, ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
    if (!line) throw new Error('no BENCH_RESULT line');
    const r = JSON.parse(line.slice('BENCH_RESULT '.length)) as Result;
    if (sleepingMode) rows.push(sleepingRow(name, r));
    else
      rows.push(
        `| ${name} | ${r.n} | ${r.baselineRate.toFixed(1)} | ${r.messagingRate.toFixed(1)} | ${r.ratio.toFixed(2)} | ${r.emptyRate ? `${r.emptyRate.toFixed(1)} → ${r.baselineRate.toFixed(1)}: ${(r.baselineRate / r.emptyRate).toFixed(2)}` : ''} | ${r.loadBefore} → ${r.loadEnd} |`,
      );
    process.stderr.write(stdout.replace(/^BENCH_RESULT.*$/m, ''));
  } catch (err) {
    rows.push(`| ${name} | | | | failed: ${String(err).split('\n')[0]} | | |`);
  }
}
const header = sleepingMode
  ? '| topology | sleeping assignments (N) | stored/s | open at the end, sample asleep | trivial wf/s, empty → N sleeping: ratio | cached, RSS per cached | load avg (1/5/15) before → end |'
  : '| topology | toewijzingen (N) | trivial wf/s | 301 → 302 wf/s | ratio | trivial wf/s, empty → N sleeping assignments: ratio | load avg (1/5/15) before → end |';
console.log(header);
console.log(
  sleepingMode
    ? '| :-- | --: | --: | :-- | :-- | :-- | :-- |'
    : '| :-- | --: | --: | --: | --: | :-- | :-- |',
);
for (const r of rows) console.log(r);
