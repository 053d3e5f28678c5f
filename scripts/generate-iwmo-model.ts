import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { repoRoot } from '../app/temporal-binaries';
import { messageNumbers } from '../iwmo/catalogue';

/*
 * Generates iwmo/model/ from the iWmo 3.2 XSDs in test/fixtures/iwmo-3.2/xsd: for every message a zod
 * schema (the types the codecs hand out) and a layout (element order, namespace, cardinality) that
 * decode and encode walk. The XSDs are the standard; writing 14 message structures by hand would only
 * copy them with mistakes. The XSDs use a small subset (sequence, element, restriction with
 * enumeration / length / range / pattern facets), which is all this reads.
 *   npx tsx scripts/generate-iwmo-model.ts [--check]
 * --check exits 1 when the committed files differ from what the XSDs give (a unit test runs it).
 */

const xsdDir = join(repoRoot, 'test', 'fixtures', 'iwmo-3.2', 'xsd');
const outDir = join(repoRoot, 'iwmo', 'model');
/** Every iWmo 3.2 message has its XSD in the fixtures (retours derived from their iJw twins). */
export const modelMessages = messageNumbers;

type Node = Record<string, unknown>;
const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const attr = (n: Node, name: string) => n[`@_${name}`] as string | undefined;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: false,
  isArray: (name) => ['xs:element', 'xs:complexType', 'xs:simpleType', 'xs:enumeration'].includes(name),
});

function readSchema(file: string): Node {
  return (parser.parse(readFileSync(join(xsdDir, file), 'utf8')) as Node)['xs:schema'] as Node;
}

interface Restriction {
  base: string;
  facets: Node;
}

function restrictionOf(simple: Node): Restriction {
  const r = simple['xs:restriction'] as Node;
  return { base: attr(r, 'base') ?? 'xs:string', facets: r };
}

const facet = (r: Restriction, name: string) => attr((r.facets[`xs:${name}`] as Node) ?? {}, 'value');

/**
 * XSD patterns are anchored, and XSD's \s is only space, tab, LF and CR (JavaScript's also matches a
 * no-break space). LDT_Commentaar's pattern is rewritten to an equivalent that cannot backtrack badly.
 */
function jsPattern(xsd: string): string {
  if (xsd === '([.\\s]*\\S+[.\\s]*)+') return '[^]*[^ \\t\\n\\r][^]*';
  return xsd.replaceAll('[^\\s]', '[^ \\t\\n\\r]');
}

/** zod source for a restriction of a built-in type. */
function zodOfRestriction(r: Restriction, baseZod: (name: string) => string): string {
  const enums = list(r.facets['xs:enumeration'] as Node[]).map((e) => attr(e, 'value') as string);
  if (enums.length) return `z.enum(${JSON.stringify(enums)})`;
  const pattern = facet(r, 'pattern');
  if (r.base === 'xs:integer') {
    if (pattern !== undefined && /^[0-9]+$/.test(pattern)) return `z.literal(${Number(pattern)})`;
    const min = facet(r, 'minInclusive');
    const max = facet(r, 'maxInclusive');
    return `z.number().int()${min ? `.min(${min})` : ''}${max ? `.max(${max})` : ''}`;
  }
  if (r.base === 'xs:date') return 'isoDate';
  if (r.base === 'xs:time') return 'isoTime';
  if (r.base.startsWith('iwmo:')) {
    const base = r.base.slice(5);
    if (pattern !== undefined && /^[0-9]+$/.test(pattern)) {
      return baseZod(base).startsWith('z.number')
        ? `z.literal(${Number(pattern)})`
        : `z.literal('${pattern}')`;
    }
    return pattern ? `${base}.regex(/^(?:${jsPattern(pattern)})$/)` : base;
  }
  let out = 'z.string()';
  const minLength = facet(r, 'minLength');
  const maxLength = facet(r, 'maxLength');
  if (minLength) out += `.min(${minLength})`;
  if (maxLength) out += `.max(${maxLength})`;
  if (pattern) out += `.regex(/^(?:${jsPattern(pattern)})$/)`;
  return out;
}

interface Field {
  name: string;
  zod: string;
  leaf: 'int' | 'text' | string; // a complex type's name otherwise
  optional: boolean;
  repeated: boolean;
}

class SchemaReader {
  readonly simple = new Map<string, Restriction>();
  readonly complex = new Map<string, Node>();
  constructor(
    schema: Node,
    readonly prefix: string,
    readonly base?: SchemaReader,
  ) {
    for (const s of list(schema['xs:simpleType'] as Node[]))
      this.simple.set(attr(s, 'name') ?? '', restrictionOf(s));
    for (const c of list(schema['xs:complexType'] as Node[])) this.complex.set(attr(c, 'name') ?? '', c);
  }

  /** zod source of a basisschema simple type, by name (LDT_…). */
  simpleZod = (name: string): string => {
    const basis = this.base ?? this;
    const r = basis.simple.get(name);
    if (!r) throw new Error(`unknown simple type ${name}`);
    return zodOfRestriction(r, basis.simpleZod);
  };

  isInteger(name: string): boolean {
    const basis = this.base ?? this;
    const r = basis.simple.get(name);
    if (!r) return false;
    return r.base === 'xs:integer' || (r.base.startsWith('iwmo:') && basis.isInteger(r.base.slice(5)));
  }

  fields(typeName: string): Field[] {
    const type = this.complex.get(typeName);
    if (!type) throw new Error(`unknown complex type ${typeName}`);
    const seq = type['xs:sequence'] as Node;
    return list(seq['xs:element'] as Node[]).map((el) => this.field(el));
  }

  private field(el: Node): Field {
    const name = attr(el, 'name') as string;
    const optional = attr(el, 'minOccurs') === '0';
    const max = attr(el, 'maxOccurs');
    const repeated = max === 'unbounded' || Number(max ?? '1') > 1;
    const type = attr(el, 'type');
    const inline = list(el['xs:simpleType'] as Node[])[0];
    if (inline) {
      const r = restrictionOf(inline);
      const base = this.base ?? this;
      const isInt =
        r.base === 'xs:integer' || (r.base.startsWith('iwmo:') && base.isInteger(r.base.slice(5)));
      return {
        name,
        zod: zodOfRestriction(r, this.simpleZod),
        leaf: isInt ? 'int' : 'text',
        optional,
        repeated,
      };
    }
    if (!type) throw new Error(`element ${name} has no type`);
    const [prefix, local] = type.split(':') as [string, string];
    if (prefix === 'iwmo' && local.startsWith('LDT_')) {
      return { name, zod: local, leaf: this.isInteger(local) ? 'int' : 'text', optional, repeated };
    }
    return { name, zod: local, leaf: prefix === 'iwmo' ? `b:${local}` : `m:${local}`, optional, repeated };
  }
}

/** Complex types reachable from a root, children first, so every const is declared before use. */
function ordered(reader: SchemaReader, basis: SchemaReader, root: string): string[] {
  const seen: string[] = [];
  const visit = (qualified: string) => {
    if (seen.includes(qualified)) return;
    const [side, name] = qualified.split(':') as ['m' | 'b', string];
    const fields = side === 'b' ? basis.fields(name) : reader.fields(name);
    for (const f of fields) if (f.leaf.includes(':')) visit(f.leaf);
    seen.push(qualified);
  };
  visit(`m:${root}`);
  return seen;
}

const header = (what: string) =>
  `// Generated by scripts/generate-iwmo-model.ts from ${what}. Do not edit: change the generator.\n`;

function zodField(f: Field, ref: (leaf: string) => string): string {
  let z = f.leaf.includes(':') ? ref(f.leaf) : f.zod;
  if (f.repeated) z = `z.array(${z}).min(1)`;
  if (f.optional) z = `${z}.optional()`;
  return `  ${f.name}: ${z},`;
}

function layoutField(
  f: Field,
  side: 'm' | 'b',
  ref: (leaf: string) => string,
  qualify = (z: string) => z,
): string {
  const flags = `ns: '${side}', optional: ${f.optional}, repeated: ${f.repeated}`;
  if (f.leaf.includes(':')) return `  ${f.name}: { ${flags}, type: ${ref(f.leaf)} },`;
  return `  ${f.name}: { ${flags}, type: '${f.leaf}', schema: ${qualify(f.zod)} },`;
}

function basisFile(basis: SchemaReader, used: Set<string>): string {
  const ldt = [...basis.simple.keys()].sort();
  const out = [
    header('basisschema.xsd'),
    "import { z } from 'zod';",
    "import { isoDate, isoTime } from '../datatypes';",
    "import type { Layout } from '../layout';",
    '',
  ];
  for (const name of ldt) out.push(`export const ${name} = ${basis.simpleZod(name)};`);
  const cdts: string[] = [];
  const visit = (name: string) => {
    if (cdts.includes(name)) return;
    for (const f of basis.fields(name)) if (f.leaf.startsWith('b:')) visit(f.leaf.slice(2));
    cdts.push(name);
  };
  for (const name of [...used].sort()) visit(name);
  for (const name of cdts) {
    const fields = basis.fields(name);
    out.push(
      '',
      `export const ${name} = z.object({`,
      ...fields.map((f) => zodField(f, (l) => l.slice(2))),
      '});',
    );
    out.push(
      `export const ${name}Layout: Layout = {`,
      ...fields.map((f) => layoutField(f, 'b', (l) => `${l.slice(2)}Layout`)),
      '};',
    );
  }
  return `${out.join('\n')}\n`;
}

function messageFile(nr: string, reader: SchemaReader, basis: SchemaReader, usedCdt: Set<string>): string {
  const types = ordered(reader, basis, 'Root');
  const body: string[] = [];
  const ref = (suffix: string) => (leaf: string) => {
    const [side, name] = leaf.split(':') as [string, string];
    if (side === 'b') usedCdt.add(name);
    return side === 'b' ? `b.${name}${suffix}` : `${name}${suffix}`;
  };
  for (const q of types) {
    const [side, name] = q.split(':') as [string, string];
    if (side === 'b') continue;
    const fields = reader.fields(name);
    // Simple types live in the basisschema module: qualify every LDT_ identifier.
    const zodFields = fields.map((f) => zodField(f, ref('')).replace(/\bLDT_/g, 'b.LDT_'));
    body.push('', `const ${name} = z.object({`, ...zodFields, '});');
    const qualify = (z: string) => z.replace(/\bLDT_/g, 'b.LDT_');
    body.push(
      `const ${name}Layout: Layout = {`,
      ...fields.map((f) => layoutField(f, 'm', ref('Layout'), qualify)),
      '};',
    );
  }
  const out = [
    header(`WMO${nr}.xsd`),
    "import { z } from 'zod';",
    "import type { Layout } from '../layout';",
    "import * as b from './basisschema';",
    ...body,
    '',
    `/** WMO${nr}: the whole Bericht (Header + body) as the XSD defines it. */`,
    `export const wmo${nr} = Root;`,
    `export type Wmo${nr} = z.infer<typeof Root>;`,
    `export const wmo${nr}Layout = RootLayout;`,
  ];
  return `${out.join('\n')}\n`;
}

export function generate(): Map<string, string> {
  const basis = new SchemaReader(readSchema('basisschema.xsd'), 'iwmo');
  const files = new Map<string, string>();
  const usedCdt = new Set<string>();
  for (const nr of modelMessages) {
    const reader = new SchemaReader(readSchema(`WMO${nr}.xsd`), `wmo${nr}`, basis);
    files.set(`wmo${nr}.ts`, messageFile(nr, reader, basis, usedCdt));
  }
  files.set('basisschema.ts', basisFile(basis, usedCdt));
  return files;
}

if (process.argv[1]?.endsWith('generate-iwmo-model.ts')) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [name, text] of generate()) {
    const path = join(outDir, name);
    if (check) {
      let current = '';
      try {
        current = readFileSync(path, 'utf8');
      } catch {}
      if (current !== text) {
        console.error(`stale: iwmo/model/${name}`);
        stale++;
      }
    } else writeFileSync(path, text);
  }
  if (stale) process.exit(1);
}
