import fc from 'fast-check';
import type { z } from 'zod';
import {
  type IwmoMessage,
  isoDate,
  isoTime,
  isValidBsn,
  isValidDate,
  type Layout,
  type LayoutField,
  type MessageNumber,
  models,
} from '../../../iwmo';

/*
 * fast-check arbitraries for schema-valid iWmo messages, derived from the generated layouts
 * (iwmo/model/): complex fields recurse, optional fields are present or absent, repeated fields have
 * 1–3 items, and every leaf gets its values from its zod schema by introspection. A leaf schema this
 * file cannot map throws, so a change to the XSDs (a new pattern, a new kind of type) is noticed here.
 *
 * Text never starts or ends with whitespace: the decoder trims text values (see properties.test.ts
 * for the property that pins that down separately).
 */

// ---------------------------------------------------------------------------------------------------
// zod v4 introspection

interface CheckDef {
  check: string;
  minimum?: number;
  maximum?: number;
  value?: number;
  inclusive?: boolean;
  format?: string;
  pattern?: RegExp;
  fn?: unknown;
}

interface ZodInternals {
  _zod: { def: { type: string; checks?: { _zod: { def: CheckDef } }[]; values?: unknown[] } };
}

const defOf = (schema: z.ZodType) => (schema as unknown as ZodInternals)._zod.def;
const checksOf = (schema: z.ZodType): CheckDef[] => (defOf(schema).checks ?? []).map((c) => c._zod.def);

function describeSchema(schema: z.ZodType): string {
  const def = defOf(schema);
  const checks = checksOf(schema).map((c) => (c.pattern ? `${c.check}:${String(c.pattern)}` : c.check));
  return `${def.type}[${checks.join(', ')}]`;
}

export class UnmappedSchemaError extends Error {
  constructor(where: string, schema: z.ZodType, why: string) {
    super(
      `arbitraries.ts cannot generate values for ${where} (${describeSchema(schema)}): ${why}. ` +
        'The XSDs (iwmo/model/) probably changed: teach test/unit/iwmo/arbitraries.ts the new type.',
    );
    this.name = 'UnmappedSchemaError';
  }
}

// ---------------------------------------------------------------------------------------------------
// Building blocks

const digit = fc.constantFrom(...'0123456789');
const digits = (min: number, max = min) =>
  fc.array(digit, { minLength: min, maxLength: max }).map((ds) => ds.join(''));

/** A BSN that passes the 11-proef (CS002): 8 random digits, the 9th computed; 10 as check digit skipped. */
export const bsnArbitrary: fc.Arbitrary<string> = fc
  .array(fc.integer({ min: 0, max: 9 }), { minLength: 8, maxLength: 8 })
  .map((ds) => {
    const sum = ds.reduce((acc, d, i) => acc + d * (9 - i), 0);
    return `${ds.join('')}${sum % 11}`;
  })
  .filter((bsn) => bsn.length === 9 && isValidBsn(bsn));

const dayMs = 86_400_000;
const firstDay = Date.UTC(2021, 0, 1) / dayMs;
const lastDay = Date.UTC(2030, 11, 31) / dayMs;

/** A real calendar date 2021-01-01 … 2030-12-31, YYYY-MM-DD (LDT_Datum). */
export const dateArbitrary: fc.Arbitrary<string> = fc
  .integer({ min: firstDay, max: lastDay })
  .map((day) => new Date(day * dayMs).toISOString().slice(0, 10));

const two = (n: number) => String(n).padStart(2, '0');
const hhmmss = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m, s]) => `${two(h)}:${two(m)}:${two(s)}`);
/** hh:mm:ss (LDT_Tijd), sometimes with a fraction of a second, sometimes 24:00:00 (end of day). */
export const timeArbitrary: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: hhmmss, weight: 8 },
  { arbitrary: fc.tuple(hhmmss, fc.stringMatching(/^[0-9]{1,6}$/)).map(([t, f]) => `${t}.${f}`), weight: 1 },
  { arbitrary: fc.constantFrom('24:00:00', '24:00:00.0'), weight: 1 },
);

/** Non-space characters, including the five XML specials and a few non-ASCII letters. */
const visibleChars = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  ...'&<>"\'éÉëüßøñ€-./,;:()[]{}#%+=?!@*_|~',
];
const visible = fc.constantFrom(...visibleChars);
const inner = fc.oneof({ arbitrary: visible, weight: 6 }, { arbitrary: fc.constant(' '), weight: 1 });

/**
 * Single-line text of 1..max characters that is not blank and has no whitespace at either end:
 * satisfies `.*[^ \t\n\r].*`, `[^]*[^ \t\n\r][^]*` and plain min/max-length strings alike.
 */
export function textArbitrary(min: number, max: number): fc.Arbitrary<string> {
  if (min > max || max < 1) throw new RangeError(`no text of length ${min}..${max}`);
  // Most values short, some at the maximum length, to exercise maxLength handling without bloat.
  const cap = Math.min(max, 40);
  const lengths = fc.oneof(
    { arbitrary: fc.integer({ min: Math.max(min, 1), max: Math.max(cap, min, 1) }), weight: 5 },
    { arbitrary: fc.constant(max), weight: 1 },
  );
  return lengths.chain((length) => {
    if (length === 1) return visible;
    return fc
      .tuple(visible, fc.array(inner, { minLength: length - 2, maxLength: length - 2 }), visible)
      .map(([first, middle, last]) => `${first}${middle.join('')}${last}`);
  });
}

const alnumChars = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'];
/** Letters in [a-zA-ZÀ-ỳ] (LDT_Voorletters), a mix of ASCII and the Latin-1/Extended range. */
const voorletterChars = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', ...'ÀÉÏÖØÞßéñøÿĀŁŒŠŽơỳ'];

const pick = (chars: string[], min: number, max: number) =>
  fc.array(fc.constantFrom(...chars), { minLength: min, maxLength: max }).map((cs) => cs.join(''));

const versionArbitrary = fc
  .tuple(fc.nat({ max: 20 }), fc.nat({ max: 20 }), fc.nat({ max: 20 }))
  .map((parts) => parts.join('.'));

/** The regexes that occur in the generated models, by source, and how to generate a match. */
const patternArbitraries: Record<string, (min: number, max: number) => fc.Arbitrary<string>> = {
  '^(?:[0-9]{9})$': () => bsnArbitrary,
  '^(?:[0-9]{8})$': () => digits(8),
  '^(?:[0-9]{4})$': () => digits(4),
  '^(?:.*[^ \\t\\n\\r].*)$': textArbitrary,
  '^(?:[^]*[^ \\t\\n\\r][^]*)$': textArbitrary,
  '^(?:[0-9]*)$': (min, max) => digits(Math.max(min, 1), max),
  '^(?:(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*))$': () => versionArbitrary,
  '^(?:([a-zA-Z0-9])+)$': (min, max) => pick(alnumChars, Math.max(min, 1), max),
  '^(?:([a-zA-ZÀ-ỳ])+)$': (min, max) => pick(voorletterChars, Math.max(min, 1), max),
};

/** Default cap for strings without maxLength (LDT_Commentaar), so documents stay small. */
const unboundedTextMax = 120;

function stringArbitrary(schema: z.ZodType, where: string): fc.Arbitrary<string> {
  let min = 0;
  let max = Number.POSITIVE_INFINITY;
  const patterns: RegExp[] = [];
  for (const check of checksOf(schema)) {
    if (check.check === 'min_length' && check.minimum !== undefined) min = Math.max(min, check.minimum);
    else if (check.check === 'max_length' && check.maximum !== undefined) max = Math.min(max, check.maximum);
    else if (check.check === 'string_format' && check.format === 'regex' && check.pattern)
      patterns.push(check.pattern);
    else throw new UnmappedSchemaError(where, schema, `unknown string check '${check.check}'`);
  }
  const cap = Number.isFinite(max) ? max : Math.max(min, unboundedTextMax);
  let arb: fc.Arbitrary<string>;
  if (patterns.length === 0) arb = textArbitrary(Math.max(min, 1), cap);
  else {
    // Several patterns (a message XSD restricting a basisschema type): every one must be known; values
    // come from the last (the most specific) and are kept only when they match all.
    const unknown = patterns.find((p) => !patternArbitraries[p.source]);
    if (unknown) throw new UnmappedSchemaError(where, schema, `unknown pattern ${String(unknown)}`);
    const last = patterns[patterns.length - 1] as RegExp;
    const make = patternArbitraries[last.source] as (min: number, max: number) => fc.Arbitrary<string>;
    arb = make(min, cap);
  }
  // No filter on the schema here: properties.test.ts asserts that every generated message parses.
  return arb;
}

function numberArbitrary(schema: z.ZodType, where: string): fc.Arbitrary<number> {
  let min = Number.MIN_SAFE_INTEGER;
  let max = Number.MAX_SAFE_INTEGER;
  let integer = false;
  for (const check of checksOf(schema)) {
    if (check.check === 'number_format' && (check.format === 'safeint' || check.format === 'int32'))
      integer = true;
    else if (check.check === 'greater_than' && check.value !== undefined)
      min = Math.max(min, check.inclusive ? check.value : Math.floor(check.value) + 1);
    else if (check.check === 'less_than' && check.value !== undefined)
      max = Math.min(max, check.inclusive ? check.value : Math.ceil(check.value) - 1);
    else throw new UnmappedSchemaError(where, schema, `unknown number check '${check.check}'`);
  }
  if (!integer) throw new UnmappedSchemaError(where, schema, 'xs:decimal is not used in iWmo 3.2');
  if (min >= -(2 ** 31) && max < 2 ** 31) return fc.integer({ min, max });
  return fc.bigInt({ min: BigInt(min), max: BigInt(max) }).map(Number);
}

/** Values for a leaf's zod schema; throws UnmappedSchemaError for a schema it does not know. */
export function leafArbitrary(schema: z.ZodType, where = 'a leaf'): fc.Arbitrary<unknown> {
  if (schema === isoDate) return dateArbitrary;
  if (schema === isoTime) return timeArbitrary;
  const def = defOf(schema);
  switch (def.type) {
    case 'enum': {
      const options = (schema as unknown as { options: string[] }).options;
      if (!options?.length) throw new UnmappedSchemaError(where, schema, 'enum without options');
      return fc.constantFrom(...options);
    }
    case 'literal': {
      const values = def.values ?? [];
      if (!values.length) throw new UnmappedSchemaError(where, schema, 'literal without values');
      return fc.constantFrom(...values);
    }
    case 'number':
      return numberArbitrary(schema, where);
    case 'string': {
      const custom = checksOf(schema).find((c) => c.check === 'custom');
      if (custom) {
        if (custom.fn === isValidDate && checksOf(schema).length === 1) return dateArbitrary;
        throw new UnmappedSchemaError(where, schema, 'a refine other than isoDate');
      }
      return stringArbitrary(schema, where);
    }
    default:
      throw new UnmappedSchemaError(where, schema, `zod type '${def.type}' has no generator`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Layout walk

const cache = new Map<Layout, fc.Arbitrary<Record<string, unknown>>>();

function fieldArbitrary(field: LayoutField, where: string): fc.Arbitrary<unknown> {
  const one =
    typeof field.type === 'string' ? leafArbitrary(field.schema, where) : layoutArbitrary(field.type, where);
  return field.repeated ? fc.array(one, { minLength: 1, maxLength: 3 }) : one;
}

/** A plain object as the layout (and so the zod schema) describes it; optional keys absent or present. */
export function layoutArbitrary(layout: Layout, where = '/Bericht'): fc.Arbitrary<Record<string, unknown>> {
  const cached = cache.get(layout);
  if (cached) return cached;
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  const requiredKeys: string[] = [];
  for (const [name, field] of Object.entries(layout)) {
    model[name] = fieldArbitrary(field, `${where}/${name}`);
    if (!field.optional) requiredKeys.push(name);
  }
  const arb = fc.record(model, { requiredKeys }) as fc.Arbitrary<Record<string, unknown>>;
  cache.set(layout, arb);
  return arb;
}

/** Schema-valid messages of one type: { type: 'WMO301', bericht } and so on. */
export function messageArbitrary(nr: MessageNumber): fc.Arbitrary<IwmoMessage> {
  const type = `WMO${nr}`;
  return layoutArbitrary(models[nr].layout).map((bericht) => ({ type, bericht }) as IwmoMessage);
}
