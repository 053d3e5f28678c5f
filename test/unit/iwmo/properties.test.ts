import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  berichtSchemas,
  type DecodeError,
  decode,
  decodeErrorKinds,
  encode,
  type Finding,
  type IwmoMessage,
  type Layout,
  type LayoutField,
  type MessageNumber,
  messageNumbers,
  models,
} from '../../../iwmo';
import { validateWithXsd, valuesWithXsd } from '../../support/xmllint';
import { leafArbitrary, messageArbitrary } from './arbitraries';
import { at, leafText, marker, mutate, mutation, mutationKinds } from './mutations';
import { heenNumbers, sample, xsdOf } from './samples';
import { issueSeeds } from './seeds';
import { valueDifferences } from './values';

/*
 * Property tests of the codec over random schema-valid messages (arbitraries.ts): round trip, XSD
 * validity of what encode writes, a mutation fuzz of decode (never throws, always a well-formed error,
 * never quotes a BSN or a name), a differential fuzz of decode against xmllint (verdict and decoded
 * values), and encode's refusal of broken typed messages. The example tests between them pin down what
 * the fuzzing found; seeds.ts holds documents written elsewhere that decode once got wrong.
 */

const seed = 3_200_2025;

// ---------------------------------------------------------------------------------------------------
// Helpers

function encoded(message: IwmoMessage): string {
  const out = encode(message, { rules: 'report' });
  if (!out.ok) throw new Error(`encode refused a valid message: ${JSON.stringify(out.findings)}`);
  return out.xml;
}

/** Every Bsn value in a (typed) message. */
function bsnsOf(value: unknown, out: string[] = []): string[] {
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
function withSyntheticNames(value: unknown, n = { i: 0 }): unknown {
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

interface Doc {
  nr: MessageNumber;
  xml: string;
  /** Text that must never appear in an error or in findings. */
  secrets: string[];
}

const bsnsIn = (xml: string) => [...xml.matchAll(/<[\w]+:Bsn>([0-9]{9})</g)].map((m) => m[1] as string);

const sampleDocs: Doc[] = heenNumbers.map((nr) => {
  const xml = sample(nr)
    .replace(/(<iwmo:Achternaam>)[^<]*/g, `$1${marker}ervelt`)
    .replace(/(<iwmo:Voornamen>)[^<]*/g, `$1${marker}ilhelmina`);
  return { nr, xml, secrets: bsnsIn(xml) };
});

/** The seed corpus (seeds.ts), with its sample names replaced as above. */
const seedDocs: Doc[] = issueSeeds.map(({ nr, xml }) => {
  const named = xml
    .replace(/(<iwmo:Achternaam>)(?!Zqxw)[^<]*/g, `$1${marker}ervelt`)
    .replace(/(<iwmo:Voornamen>)[^<]*/g, `$1${marker}ilhelmina`);
  return { nr, xml: named, secrets: bsnsIn(named) };
});

const randomDoc: fc.Arbitrary<Doc> = fc
  .constantFrom(...messageNumbers)
  .chain((nr) => messageArbitrary(nr))
  .map((m) => {
    const message = { ...m, bericht: withSyntheticNames(m.bericht) } as IwmoMessage;
    const nr = m.type.slice(3) as MessageNumber;
    return { nr, xml: encoded(message), secrets: bsnsOf(message.bericht) };
  });

/** One fixed random message of a type (the same on every run). */
const messageAt = (nr: MessageNumber, i: number) =>
  structuredClone(fc.sample(messageArbitrary(nr), { numRuns: i + 1, seed })[i] as IwmoMessage);

// ---------------------------------------------------------------------------------------------------
// Checks

function checkFinding(f: Finding, where: string) {
  if (typeof f.rule !== 'string' || !f.rule) throw new Error(`${where}: empty rule in ${JSON.stringify(f)}`);
  if (typeof f.path !== 'string' || !f.path.startsWith('/'))
    throw new Error(`${where}: path does not start with '/' in ${JSON.stringify(f)}`);
  if (typeof f.message !== 'string' || !f.message)
    throw new Error(`${where}: empty message in ${JSON.stringify(f)}`);
  if (typeof f.hint !== 'string' || !f.hint) throw new Error(`${where}: empty hint in ${JSON.stringify(f)}`);
}

function checkNoLeak(text: string, secrets: string[], where: string) {
  for (const secret of [marker, ...secrets.filter((s) => s.length >= 4)]) {
    if (text.includes(secret)) throw new Error(`${where} quotes content (${secret}): ${text}`);
  }
}

/** decode on any text: never throws, and returns findings or a well-formed, content-free error. */
function checkDecode(xml: string, secrets: string[]) {
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

// ---------------------------------------------------------------------------------------------------

describe('the arbitraries', () => {
  it.each(messageNumbers)('WMO%s: every generated bericht passes the zod schema', (nr) => {
    fc.assert(
      fc.property(messageArbitrary(nr), (m) => {
        expect(m.type).toBe(`WMO${nr}`);
        const parsed = berichtSchemas[m.type].safeParse(m.bericht);
        if (!parsed.success) throw new Error(JSON.stringify(parsed.error.issues));
      }),
      { numRuns: 50, seed },
    );
  });

  it('refuse a leaf schema they cannot map, with a clear error', () => {
    expect(() => leafArbitrary(z.boolean(), '/Bericht/X')).toThrow(/cannot generate values for \/Bericht\/X/);
    expect(() => leafArbitrary(z.string().regex(/^[A-Z]{3}$/))).toThrow(/unknown pattern/);
    expect(() => leafArbitrary(z.string().email())).toThrow(/XSDs .* probably changed/);
    expect(() => leafArbitrary(z.number().min(0))).toThrow(/xs:decimal/);
  });
});

describe('round trip', () => {
  it.each(messageNumbers)('WMO%s: decode(encode(m)) gives back m', (nr) => {
    fc.assert(
      fc.property(messageArbitrary(nr), (m) => {
        const xml = encoded(m);
        const back = decode(xml);
        if (!back.ok) throw new Error(`${JSON.stringify(back.error)}\n${xml}`);
        expect(back.value.message).toEqual(m);
        expect(Array.isArray(back.value.findings)).toBe(true);
      }),
      { numRuns: 100, seed },
    );
  });
});

describe('what encode writes is XSD-valid', () => {
  it.each(messageNumbers)('WMO%s: random messages validate with xmllint', (nr) => {
    const failures: string[] = [];
    for (const m of fc.sample(messageArbitrary(nr), { numRuns: 8, seed })) {
      const xml = encoded(m);
      const res = validateWithXsd(xml, xsdOf(nr));
      if (!res.valid) failures.push(`${res.output}\n${xml}`);
    }
    expect(failures).toEqual([]);
  });
});

describe('text with whitespace at its ends (xs:string preserves whitespace)', () => {
  // The XSDs allow a ReferentieNummer of spaces only (LDT_ReferentieNummer: length 1..20, no pattern)
  // and spaces around a name (LDT_Naam: ".*[^\s].*"); zod accepts both too. The receiver must read
  // such a document as it is, not refuse it or change the values.
  it('a ReferentieNummer of spaces only: an XSD-valid document is not refused', () => {
    const xml = sample('323').replace(/(<iwmo:ReferentieNummer>)[^<]*/, '$1   ');
    expect(validateWithXsd(xml, xsdOf('323')).output).toMatch(/validates/);
    const res = decode(xml);
    if (!res.ok) throw new Error(`a valid document is refused: ${JSON.stringify(res.error)}`);
    const m = res.value.message;
    if (m.type !== 'WMO323') throw new Error('not a 323');
    const p = m.bericht.Declaratie.Clienten.Client[0]?.Prestaties.Prestatie[0];
    expect(p?.ProductReferentie.ReferentieNummer).toBe('   ');
  });

  it('a name with a space before it round-trips unchanged', () => {
    const message = messageAt('305', 1);
    if (message.type !== 'WMO305') throw new Error('not a 305');
    message.bericht.Client.Naam.Geslachtsnaam.Achternaam = ' Zqxwervelt';
    expect(berichtSchemas.WMO305.safeParse(message.bericht).success).toBe(true);
    const xml = encoded(message);
    expect(validateWithXsd(xml, xsdOf('305')).output).toMatch(/validates/);
    const back = decode(xml);
    expect(back.ok && back.value.message).toEqual(message);
  });
});

describe('decode refuses what the XSD refuses (found by the differential fuzz below)', () => {
  const base = sample('305');
  const cases: [string, string][] = [
    ['a child element inside a leaf', base.replace('>Wit<', '>Wit<iwmo:Foo/><')],
    ['an attribute on an element', base.replace('<wmo305:Bsn>', '<wmo305:Bsn foo="x">')],
    [
      'a message element in the basisschema namespace',
      base.replace(/<wmo305:Bsn>([0-9]+)<\/wmo305:Bsn>/, '<iwmo:Bsn>$1</iwmo:Bsn>'),
    ],
    [
      'a prefix bound to another namespace further down',
      base.replace('<wmo305:Client>', '<wmo305:Client xmlns:wmo305="urn:x">'),
    ],
    ['spaces around a code', base.replace(/(<wmo305:Geslacht>)([0-9])/, '$1 $2 ')],
    ['spaces around a BSN', base.replace(/(<wmo305:Bsn>)([0-9]+)/, '$1 $2 ')],
    ['an undefined entity reference (not well-formed)', base.replace('>Wit<', '>W&eacute;t<')],
    ['a reference to a character XML forbids (&#0;, not well-formed)', base.replace('>Wit<', '>W&#0;t<')],
  ];
  it.each(cases)('%s', (_, xml) => {
    expect(validateWithXsd(xml, xsdOf('305')).valid).toBe(false);
    const res = decode(xml);
    expect(res.ok).toBe(false);
  });
});

describe('encode writes only well-formed XML', () => {
  // zod's ".*[^\s].*" admits characters XML 1.0 forbids (C0 controls other than tab/LF/CR, U+FFFE/F).
  it('a name holding U+0001, U+000B, U+001F or U+FFFE is refused or escaped', () => {
    for (const c of ['\u0001', '\u000B', '\u001F', '\uFFFE']) {
      const message = messageAt('305', 1);
      if (message.type !== 'WMO305') throw new Error('not a 305');
      message.bericht.Client.Naam.Geslachtsnaam.Achternaam = `${marker}${c}x`;
      const out = encode(message, { rules: 'report' });
      const where = `U+${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
      if (out.ok) expect(validateWithXsd(out.xml, xsdOf('305')).output, where).toMatch(/validates/);
      else
        expect(
          out.findings.map((f) => f.path),
          where,
        ).toContain('/Bericht/Client/Naam/Geslachtsnaam/Achternaam');
    }
  });
});

describe('decode under mutation fuzz', () => {
  const startDoc = fc.oneof(
    { arbitrary: fc.constantFrom(...sampleDocs), weight: 1 },
    { arbitrary: fc.constantFrom(...seedDocs), weight: 1 },
    { arbitrary: randomDoc, weight: 3 },
  );

  it('the start documents decode, and a leak check would see their secrets', () => {
    for (const doc of [...sampleDocs, ...fc.sample(randomDoc, { numRuns: 20, seed })]) {
      expect(decode(doc.xml).ok).toBe(true);
      if (doc.xml.includes(':Bsn>')) expect(doc.secrets.length).toBeGreaterThan(0);
      for (const [, name] of doc.xml.matchAll(/<iwmo:(?:Achternaam|Voornamen)>([^<]*)</g))
        expect(name).toContain(marker);
    }
  });

  it('3,000 mutated documents: never a throw, always findings or a well-formed error without content', () => {
    fc.assert(
      fc.property(startDoc, fc.array(mutation, { minLength: 1, maxLength: 3 }), (doc, mutations) => {
        const xml = mutations.reduce(mutate, doc.xml);
        checkDecode(xml, doc.secrets);
      }),
      { numRuns: 3000, seed },
    );
  }, 60_000);

  /** decode and xmllint agree: the same verdict, and for an accepted document the same values. */
  function checkAgainstXmllint(xml: string, nr: MessageNumber) {
    const res = decode(xml);
    const xsd = valuesWithXsd(xml, xsdOf(nr));
    if (res.ok !== xsd.valid)
      throw new Error(
        `decode: ${res.ok ? 'ok' : `${res.error.kind} at ${res.error.path}`}; xmllint: ${xsd.output}`,
      );
    if (!res.ok) return;
    if (!xsd.leaves) throw new Error('xmllint gave no canonical form of a valid document');
    const differences = valueDifferences(res.value.message, xsd.leaves);
    if (differences.length)
      throw new Error(`decoded values differ from xmllint's:\n${differences.join('\n')}`);
  }

  it('the seed corpus and the samples as they are: decode agrees with xmllint on verdict and values', () => {
    for (const doc of [...seedDocs, ...sampleDocs]) checkAgainstXmllint(doc.xml, doc.nr);
  });

  it('decode accepts a mutated document exactly when xmllint finds it XSD-valid, and reads the same values', () => {
    const kinds = mutationKinds.filter((k) => k !== 'insert' && k !== 'truncate' && k !== 'namespace');
    const elementMutation = fc.record({
      kind: fc.constantFrom(...kinds),
      a: fc.nat(),
      b: fc.nat(),
      text: leafText,
    });
    fc.assert(
      fc.property(startDoc, fc.array(elementMutation, { minLength: 1, maxLength: 2 }), (doc, mutations) => {
        checkAgainstXmllint(mutations.reduce(mutate, doc.xml), doc.nr);
      }),
      { numRuns: 200, seed },
    );
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------------
// Broken typed messages given to encode

type Key = string | number;
interface Location {
  path: Key[];
  field: LayoutField;
  /** The value is one item of a repeated field (path ends in its index). */
  item: boolean;
}

/** Every field present in a message, with its path (zod's: keys and 0-based indexes). */
function locations(value: Record<string, unknown>, layout: Layout, path: Key[] = [], out: Location[] = []) {
  for (const [name, field] of Object.entries(layout)) {
    const v = value[name];
    if (v === undefined) continue;
    out.push({ path: [...path, name], field, item: false });
    const items: [unknown, Key[]][] = field.repeated
      ? (v as unknown[]).map((x, i) => [x, [...path, name, i]])
      : [[v, [...path, name]]];
    for (const [x, p] of items) {
      if (field.repeated) out.push({ path: p, field, item: true });
      if (typeof field.type !== 'string') locations(x as Record<string, unknown>, field.type, p, out);
    }
  }
  return out;
}

const xmlPathOf = (path: Key[]) =>
  path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k + 1}]` : `${s}/${k}`), '/Bericht');

const breakKinds = ['negative', 'code', 'drop', 'empty', 'wrong-type', 'no-items'] as const;
type BreakKind = (typeof breakKinds)[number];

const isCodeList = (field: LayoutField) => {
  if (typeof field.type !== 'string') return false;
  const type = (field.schema as unknown as { _zod: { def: { type: string } } })._zod.def.type;
  return type === 'enum' || type === 'literal';
};

/** Which locations a kind of break applies to, and what it does there. */
const breaks: Record<BreakKind, { applies: (l: Location) => boolean; value: (l: Location) => unknown }> = {
  negative: { applies: (l) => l.field.type === 'int' && (l.item || !l.field.repeated), value: () => -1 },
  code: {
    applies: (l) => l.field.type === 'text' && isCodeList(l.field) && (l.item || !l.field.repeated),
    value: () => 'XX',
  },
  drop: { applies: (l) => !l.item && !l.field.optional, value: () => undefined },
  empty: { applies: (l) => l.field.type === 'text' && (l.item || !l.field.repeated), value: () => '' },
  'wrong-type': {
    applies: (l) => l.field.type === 'int' && (l.item || !l.field.repeated),
    value: () => '12',
  },
  'no-items': { applies: (l) => !l.item && l.field.repeated, value: () => [] },
};

function setAt(root: Record<string, unknown>, path: Key[], value: unknown) {
  let node = root as Record<Key, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<Key, unknown>;
  const last = path[path.length - 1] as Key;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

describe('encode refuses broken typed messages', () => {
  it('a negative number, an unknown code, a dropped or empty field: findings with the path, never a throw', () => {
    const arb = fc
      .constantFrom(...messageNumbers)
      .chain((nr) =>
        fc.tuple(fc.constant(nr), messageArbitrary(nr), fc.constantFrom(...breakKinds), fc.nat()),
      );
    fc.assert(
      fc.property(arb, ([nr, m, kind, pick]) => {
        const bericht = structuredClone(m.bericht) as Record<string, unknown>;
        const candidates = locations(bericht, models[nr as MessageNumber].layout).filter(
          breaks[kind].applies,
        );
        fc.pre(candidates.length > 0);
        const loc = at(candidates, pick);
        setAt(bericht, loc.path, breaks[kind].value(loc));
        let out: ReturnType<typeof encode>;
        try {
          out = encode({ type: m.type, bericht } as IwmoMessage);
        } catch (e) {
          throw new Error(`encode threw ${String(e)} (${kind} at ${xmlPathOf(loc.path)})`);
        }
        expect(out.ok).toBe(false);
        expect(out.findings.length).toBeGreaterThan(0);
        for (const f of out.findings) checkFinding(f, 'encode finding');
        expect(out.findings.map((f) => f.path)).toContain(xmlPathOf(loc.path));
        checkNoLeak(JSON.stringify(out.findings), bsnsOf(bericht), 'encode findings');
      }),
      { numRuns: 400, seed },
    );
  });
});
