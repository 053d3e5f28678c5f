import { availableParallelism, cpus } from 'node:os';
import { benchCodecs, codecTable, heapTables, verdict } from './codecs';
import { loadDocuments } from './documents';
import { defaultOptions, sinkUsed } from './harness';
import { benchStages, liveHeapTable, stageTable } from './stages';

/*
 * npm run bench: every bench, in order, as markdown. Env knobs: BENCH_ROUNDS (9), BENCH_ROUND_MS (250),
 * BENCH_WARMUP_MS (750). Never fails on a missed target; it only reports.
 */

const documents = loadDocuments();
const o = defaultOptions;

console.log('# iwmo-flow benchmarks\n');
console.log(
  `Node ${process.version}, ${process.platform}/${process.arch}, ${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${new Date().toISOString()}`,
);
console.log(
  `Harness: ${o.warmupMs} ms warm-up per case, then ${o.rounds} rounds of ~${o.roundMs} ms each (round-robin over the cases); median ops/s and min–max over the rounds.\n`,
);

console.log('## Codecs: decode / encode vs raw fast-xml-parser parse\n');
const results = benchCodecs(documents);
console.log(codecTable(results));
console.log('');
console.log(verdict(results));
console.log('');

const large = documents.find((d) => d.lines === 1000);
if (large) {
  console.log(`## Heap: decoding ${large.name}\n`);
  console.log(await heapTables(large));
  console.log('');
  console.log(liveHeapTable(large));
  console.log('');
}

console.log('## Decode stages\n');
for (const document of documents) {
  console.log(stageTable(document, benchStages(document)));
  console.log('');
}

if (sinkUsed() < 0) console.log(''); // keeps the sink observable
