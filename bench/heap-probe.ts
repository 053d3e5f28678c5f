import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { checkRules, decode } from '../iwmo';
import { shapeMessage } from '../iwmo/codec';
import { loadDocuments } from './documents';
import { measureHeap } from './harness';
import { decodeStages, iwmoParser } from './stages';

/*
 * Run by run.ts in a child node with a large young generation (--min/--max-semi-space-size=256), so
 * no scavenge runs inside one call and heapUsed growth over the call is everything it allocated (its
 * transient peak). Prints { name: HeapSample[] } as JSON on stdout: decode of the 1,000-line WMO323,
 * the raw parse, and each decode stage on its own.
 */
const large = loadDocuments().find((d) => d.lines === 1000);
if (!large) throw new Error('bench: no 1,000-line document');
const xml = large.xml;
const { info, bericht, model, shaped, message } = decodeStages(xml);
const raw = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' });

const calls: Record<string, () => unknown> = {
  decode: () => decode(xml),
  'raw parse (baseline)': () => raw.parse(xml),
  'parseXml: XMLValidator.validate': () => XMLValidator.validate(xml),
  'parseXml: XMLParser.parse': () => iwmoParser.parse(xml),
  shapeMessage: () => shapeMessage(info.nr, bericht),
  'zod safeParse': () => model.schema.safeParse(shaped),
  checkRules: () => checkRules(message),
};
const out: Record<string, Awaited<ReturnType<typeof measureHeap>>> = {};
for (const [name, fn] of Object.entries(calls)) {
  for (let i = 0; i < 3; i++) fn(); // warm: cold code allocates differently
  out[name] = await measureHeap(fn, 5);
}
console.log(JSON.stringify(out));
