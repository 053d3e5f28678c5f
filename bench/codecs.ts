import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { decode, encode, type IwmoMessage } from '../iwmo';
import { type BenchDocument, byteLength } from './documents';
import {
  defaultOptions,
  fmtBytes,
  fmtMBs,
  fmtOps,
  type HarnessOptions,
  type HeapSample,
  measureGroup,
  measureHeap,
  type Sample,
  table,
} from './harness';

/*
 * Throughput of decode (parse + structure + zod + in-message rules) and encode (zod + rules + build)
 * against the baseline of a bare fast-xml-parser parse of the same text. Target (from the issue):
 * decode at ≥ 50% of the raw parse's throughput. Printed, not asserted.
 */

export const target = 0.5;

export interface CodecResult {
  document: BenchDocument;
  raw: Sample;
  decode: Sample;
  encode: Sample;
  /** decode ops/s ÷ raw parse ops/s (medians). */
  ratio: number;
}

function decodedMessage(xml: string): IwmoMessage {
  const decoded = decode(xml);
  if (!decoded.ok) throw new Error(`bench: document does not decode (${decoded.error.rule})`);
  return decoded.value.message;
}

export function benchCodecs(
  documents: BenchDocument[],
  options: HarnessOptions = defaultOptions,
): CodecResult[] {
  const raw = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' });
  return documents.map((document) => {
    const message = decodedMessage(document.xml);
    const encoded = encode(message, { rules: 'report' });
    if (!encoded.ok) throw new Error(`bench: ${document.name} does not encode`);
    const [rawSample, decodeSample, encodeSample] = measureGroup(
      [
        { name: 'raw parse', bytes: document.bytes, fn: () => raw.parse(document.xml) },
        {
          name: 'decode',
          bytes: document.bytes,
          fn: () => {
            const r = decode(document.xml);
            if (!r.ok) throw new Error('decode failed during the bench');
            return r;
          },
        },
        {
          name: 'encode',
          // encode writes its own layout (2-space indent), so its MB/s counts the bytes it produces.
          bytes: byteLength(encoded.xml),
          fn: () => {
            const r = encode(message, { rules: 'report' });
            if (!r.ok) throw new Error('encode failed during the bench');
            return r;
          },
        },
      ],
      options,
    ) as [Sample, Sample, Sample];
    return {
      document,
      raw: rawSample,
      decode: decodeSample,
      encode: encodeSample,
      ratio: decodeSample.median / rawSample.median,
    };
  });
}

export function codecTable(results: CodecResult[]): string {
  const rows = results.flatMap(({ document, raw, decode, encode, ratio }) =>
    [raw, decode, encode].map((s) => [
      document.name,
      fmtBytes(s.bytes),
      s.name,
      fmtOps(s.median),
      `${fmtOps(s.min)}–${fmtOps(s.max)}`,
      fmtMBs(s.median, s.bytes),
      s === raw ? '1.00' : (s.median / raw.median).toFixed(2),
      s === decode ? (ratio >= target ? 'yes' : '**no**') : '',
    ]),
  );
  return table(
    [
      'document',
      'XML size',
      'operation',
      'ops/s (median)',
      'ops/s (min–max)',
      'MB/s',
      '× raw parse',
      '≥ 50%?',
    ],
    rows,
    ['l', 'r', 'l', 'r', 'r', 'r', 'r', 'l'],
  );
}

export function verdict(results: CodecResult[]): string {
  return results
    .map(
      ({ document, ratio }) =>
        `- ${document.name}: decode runs at ${(ratio * 100).toFixed(0)}% of raw parse throughput — target ≥ ${target * 100}%: ${ratio >= target ? 'MET' : 'NOT MET'}`,
    )
    .join('\n');
}

/** Runs bench/heap-probe.ts in a child node whose young generation is big enough that no GC runs inside one call. */
function probeHeap(): Record<string, HeapSample[]> {
  const probe = fileURLToPath(new URL('./heap-probe.ts', import.meta.url));
  const flags = ['--min-semi-space-size=256', '--max-semi-space-size=256', '--import', 'tsx'];
  const out = execFileSync(process.execPath, [...flags, probe], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Record<string, HeapSample[]>;
}

const sortedBy = (samples: HeapSample[], pick: (s: HeapSample) => number) =>
  samples.map(pick).sort((a, b) => a - b);
const mid = (xs: number[]) => xs[xs.length >> 1] as number;
const range = (xs: number[], f: (n: number) => string) =>
  `${f(xs[0] as number)}–${f(xs[xs.length - 1] as number)}`;

export async function heapTables(document: BenchDocument): Promise<string> {
  // In this process (default heap settings): minor GCs run inside a decode, so growth is only a floor.
  const here = await measureHeap(() => decode(document.xml), 7);
  const probe = probeHeap();
  const decodeProbe = probe.decode ?? [];
  const allocated = sortedBy(decodeProbe, (s) => s.growth);
  const gcs = sortedBy(decodeProbe, (s) => s.gcsDuring);
  const retained = sortedBy(here, (s) => s.retained);
  const growthHere = sortedBy(here, (s) => s.growth);
  const summary = table(
    [`decode of ${document.name}`, 'median', 'min–max'],
    [
      ['input XML', fmtBytes(document.bytes), ''],
      [
        'allocated by one decode = its heap peak (child, 256 MB semi-space)',
        fmtBytes(mid(allocated)),
        range(allocated, fmtBytes),
      ],
      ['GCs inside that decode (0 → the figure above is exact)', String(mid(gcs)), range(gcs, String)],
      [
        'heapUsed growth over one decode, default heap (minor GCs inside)',
        fmtBytes(mid(growthHere)),
        range(growthHere, fmtBytes),
      ],
      ['heapUsed retained by the result (after full GC)', fmtBytes(mid(retained)), range(retained, fmtBytes)],
    ],
    ['l', 'r', 'r'],
  );
  const decodeAllocated = mid(allocated);
  const stages = table(
    ['allocated per call (same child)', 'median', '% of decode'],
    Object.entries(probe).map(([name, samples]) => {
      const a = mid(sortedBy(samples, (s) => s.growth));
      return [name, fmtBytes(a), `${((a / decodeAllocated) * 100).toFixed(0)}%`];
    }),
    ['l', 'r', 'r'],
  );
  return `${summary}\n\n${stages}`;
}
