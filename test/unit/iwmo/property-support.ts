import fc from 'fast-check';
import {
  type DecodeError,
  decode,
  decodeErrorKinds,
  encode,
  type Finding,
  type IwmoMessage,
  type MessageNumber,
  messageNumbers,
} from '../../../iwmo';
import { messageArbitrary } from './arbitraries';
import { marker } from './mutations';
import { heenNumbers, sample } from './samples';
import { issueSeeds } from './seeds';

/*
 * What the codec's property tests share (properties*.test.ts): the seed, documents to start from
 * (the samples, the issue seeds, random schema-valid messages) and the checks every decode outcome
 * must pass (a well-formed error, no BSN or name in it).
 */

export const seed = 3_200_2025;

// ---------------------------------------------------------------------------------------------------
// Helpers

export function encoded(message: IwmoMessage): string {
  const out = encode(message, { rules: 'report' });
  if (!out.ok) throw new Error(`encode refused a valid message: ${JSON.stringify(out.findings)}`);
  return out.xml;
}

/** Every Bsn value in a (typed) message. */
export function bsnsOf(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) bsnsOf(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Bsn' && typeof v === 'string') out.push(v);
      else bsnsOf(v, out);
    }
  }
  return out;
}

/** Names replaced by distinctive synthetic ones (all containing the marker), so a leak is detectable. */
export function withSyntheticNames(value: unknown, n = { i: 0 }): unknown {
  if (Array.isArray(value)) return value.map((v) => withSyntheticNames(v, n));
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if ((k === 'Achternaam' || k === 'Voornamen') && typeof v === 'string')
      out[k] = k === 'Achternaam' ? `${marker}ervelt ${n.i++}` : `${marker}ilhelmina`;
    else out[k] = withSyntheticNames(v, n);
  }
  return out;
}

export interface Doc {
  nr: MessageNumber;
  xml: string;
  /** Text that must never appear in an error or in findings. */
  secrets: string[];
}

export const bsnsIn = (xml: string) =>
  [...xml.matchAll(/<[\w]+:Bsn>([0-9]{9})</g)].map((m) => m[1] as string);

export const sampleDocs: Doc[] = heenNumbers.map((nr) => {
  const xml = sample(nr)
    .replace(/(<iwmo:Achternaam>)[^<]*/g, `$1${marker}ervelt`)
    .replace(/(<iwmo:Voornamen>)[^<]*/g, `$1${marker}ilhelmina`);
  return { nr, xml, secrets: bsnsIn(xml) };
});

/** The seed corpus (seeds.ts), with its sample names replaced as above. */
export const seedDocs: Doc[] = issueSeeds.map(({ nr, xml }) => {
  const named = xml
    .replace(/(<iwmo:Achternaam>)(?!Zqxw)[^<]*/g, `$1${marker}ervelt`)
    .replace(/(<iwmo:Voornamen>)[^<]*/g, `$1${marker}ilhelmina`);
  return { nr, xml: named, secrets: bsnsIn(named) };
});

export const randomDoc: fc.Arbitrary<Doc> = fc
  .constantFrom(...messageNumbers)
  .chain((nr) => messageArbitrary(nr))
  .map((m) => {
    const message = { ...m, bericht: withSyntheticNames(m.bericht) } as IwmoMessage;
    const nr = m.type.slice(3) as MessageNumber;
    return { nr, xml: encoded(message), secrets: bsnsOf(message.bericht) };
  });

/** One fixed random message of a type (the same on every run). */
export const messageAt = (nr: MessageNumber, i: number) =>
  structuredClone(fc.sample(messageArbitrary(nr), { numRuns: i + 1, seed })[i] as IwmoMessage);

// ---------------------------------------------------------------------------------------------------
// Checks

export function checkFinding(f: Finding, where: string) {
  if (typeof f.rule !== 'string' || !f.rule) throw new Error(`${where}: empty rule in ${JSON.stringify(f)}`);
  if (typeof f.path !== 'string' || !f.path.startsWith('/'))
    throw new Error(`${where}: path does not start with '/' in ${JSON.stringify(f)}`);
  if (typeof f.message !== 'string' || !f.message)
    throw new Error(`${where}: empty message in ${JSON.stringify(f)}`);
  if (typeof f.hint !== 'string' || !f.hint) throw new Error(`${where}: empty hint in ${JSON.stringify(f)}`);
}

export function checkNoLeak(text: string, secrets: string[], where: string) {
  for (const secret of [marker, ...secrets.filter((s) => s.length >= 4)]) {
    if (text.includes(secret)) throw new Error(`${where} quotes content (${secret}): ${text}`);
  }
}

/** decode on any text: never throws, and returns findings or a well-formed, content-free error. */
export function checkDecode(xml: string, secrets: string[]) {
  let res: ReturnType<typeof decode>;
  try {
    res = decode(xml);
  } catch (e) {
    throw new Error(`decode threw ${String(e)} on:\n${xml}`);
  }
  if (res.ok) {
    if (!Array.isArray(res.value.findings)) throw new Error('findings is not an array');
    for (const f of res.value.findings) checkFinding(f, 'finding');
    checkNoLeak(JSON.stringify(res.value.findings), secrets, 'findings');
    return;
  }
  const error: DecodeError = res.error;
  if (!(decodeErrorKinds as readonly string[]).includes(error.kind))
    throw new Error(`unknown error kind ${error.kind}`);
  checkFinding(error, 'error');
  if (error.findings !== undefined) {
    if (!Array.isArray(error.findings) || !error.findings.length) throw new Error('empty error.findings');
    for (const f of error.findings) checkFinding(f, 'error.findings');
  }
  checkNoLeak(JSON.stringify(error), secrets, 'error');
}
