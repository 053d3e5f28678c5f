import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { checkRules, decode, detect, type IwmoMessage, parseXml } from '../iwmo';
import { shapeMessage } from '../iwmo/codec';
import { checkMarkup } from '../iwmo/markup';
import { models } from '../iwmo/messages';
import { parserOptions } from '../iwmo/safe-parse';
import type { BenchDocument } from './documents';
import {
  type Case,
  defaultOptions,
  fmtBytes,
  fmtMs,
  gc,
  type HarnessOptions,
  measureGroup,
  table,
} from './harness';

/*
 * Where decode's time goes: each stage timed on its own, fed the previous stage's output (computed
 * once, outside the timing). parseXml is split into its guard (the markup scan of iwmo/markup.ts:
 * DTD, references, comments, processing instructions), the well-formedness pass (XMLValidator.validate)
 * and the parse proper; the parser here is built with the same options as iwmo/safe-parse.ts (which does
 * not export its instance).
 */

export const iwmoParser = new XMLParser(parserOptions);

export interface StageRow {
  stage: string;
  msPerOp: number;
  /** true for the parts decode is made of (their sum is compared with decode itself). */
  part: boolean;
}

/** decode's intermediate results, each computed once, for timing the stage after it on its own. */
export function decodeStages(xml: string) {
  const detected = detect(xml);
  if (!detected.ok) throw new Error('bench: document does not detect');
  const { info, bericht } = detected.value;
  const model = models[info.nr];
  const { shaped } = shapeMessage(info.nr, bericht);
  const parsed = model.schema.safeParse(shaped);
  if (!parsed.success) throw new Error('bench: document fails zod');
  const message = { type: info.type, bericht: parsed.data } as IwmoMessage;
  return { info, bericht, model, shaped, message };
}

export function benchStages(document: BenchDocument, options: HarnessOptions = defaultOptions): StageRow[] {
  const xml = document.xml;
  const { info, bericht, model, shaped, message } = decodeStages(xml);

  const cases: (Case & { part: boolean })[] = [
    { name: 'parseXml: guards (markup scan)', part: true, fn: () => checkMarkup(xml) },
    { name: 'parseXml: XMLValidator.validate', part: true, fn: () => XMLValidator.validate(xml) },
    { name: 'parseXml: XMLParser.parse', part: true, fn: () => iwmoParser.parse(xml) },
    { name: '= parseXml (as a whole)', part: false, fn: () => parseXml(xml) },
    { name: '= detect (parseXml + root/header checks)', part: false, fn: () => detect(xml) },
    {
      name: 'shapeMessage (namespaces + layout walk)',
      part: true,
      fn: () => shapeMessage(info.nr, bericht),
    },
    { name: 'zod safeParse', part: true, fn: () => model.schema.safeParse(shaped) },
    { name: 'checkRules', part: true, fn: () => checkRules(message) },
    { name: 'decode (whole)', part: false, fn: () => decode(xml) },
  ].map((c) => ({ ...c, bytes: document.bytes }));
  const samples = measureGroup(cases, options);
  return samples.map((s, i) => ({
    stage: s.name,
    msPerOp: 1000 / s.median,
    part: (cases[i] as { part: boolean }).part,
  }));
}

export function stageTable(document: BenchDocument, rows: StageRow[]): string {
  const total = rows.find((r) => r.stage === 'decode (whole)')?.msPerOp ?? Number.NaN;
  const sumOfParts = rows.filter((r) => r.part).reduce((n, r) => n + r.msPerOp, 0);
  return table(
    [`stage (${document.name})`, 'ms/op (median)', '% of decode'],
    [
      ...rows.map((r) => [r.stage, fmtMs(r.msPerOp), `${((r.msPerOp / total) * 100).toFixed(1)}%`]),
      ['sum of the parts', fmtMs(sumOfParts), `${((sumOfParts / total) * 100).toFixed(1)}%`],
    ],
    ['l', 'r', 'r'],
  );
}

/**
 * Live heap at each step of a decode, replayed stage by stage with a full GC after each and every
 * intermediate kept referenced until the zod step (decode drops the namespace-free copy once normalise
 * returns, so the peak row is an upper bound of decode's live data, by about that copy). Garbage made
 * and dropped inside a stage is not in these figures; the growth figures above show it.
 */
export function liveHeapTable(document: BenchDocument): string {
  const live = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
  const rows: [string, number][] = [];
  const base = live();
  const steps = () => {
    const detected = detect(document.xml);
    if (!detected.ok) throw new Error('bench: document does not detect');
    rows.push(['parsed tree (after detect/parseXml)', live()]);
    const { info, bericht } = detected.value;
    const model = models[info.nr];
    const { shaped } = shapeMessage(info.nr, bericht);
    rows.push(['+ shaped copy (after shapeMessage)', live()]);
    const parsed = model.schema.safeParse(shaped);
    rows.push(['+ zod output (after safeParse): peak, upper bound', live()]);
    const kept = [detected, shaped, parsed];
    if (kept.length !== 3 || !parsed.success) throw new Error('bench: document fails zod');
    const message = { type: info.type, bericht: parsed.data } as IwmoMessage;
    return { info, message, findings: checkRules(message) };
  };
  const result = steps();
  rows.push(['result only (what decode returns), intermediates dropped', live()]);
  if (!result.message) throw new Error('unreachable');
  return table(
    [`live heap while decoding ${document.name}`, 'heapUsed − baseline'],
    rows.map(([label, used]) => [label, fmtBytes(used - base)]),
    ['l', 'r'],
  );
}
