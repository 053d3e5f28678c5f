import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encode,
  type IwmoMessage,
  type Layout,
  type LayoutField,
  type MessageNumber,
  messageNumbers,
  models,
} from '../../../iwmo';
import { messageArbitrary } from './arbitraries';
import { at } from './mutations';
import { bsnsOf, checkFinding, checkNoLeak, seed } from './property-support';

/*
 * Encode refuses broken typed messages: every field of a random message broken one way at a time
 * (negative, a code outside its list, dropped, empty, the wrong type, a list without items).
 */

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
