import fc from 'fast-check';

/* Mutations of well-formed iWmo documents for the decode fuzz in properties.test.ts. */

/** Marks content that must never appear in an error or finding: synthetic names and replaced text. */
export const marker = 'Zqxw';

// ---------------------------------------------------------------------------------------------------
// A minimal element scanner for the (well-formed) start documents, so mutations can work on elements

export interface Span {
  name: string;
  start: number;
  /** End of the start tag (index after '>'). */
  openEnd: number;
  /** Start of the end tag; equal to end for a self-closing element. */
  closeStart: number;
  end: number;
  children: Span[];
}

export const tagPattern = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<(\/?)([A-Za-z_][\w.:-]*)[^<>]*?(\/?)>/g;

export function scan(xml: string): Span[] | undefined {
  const all: Span[] = [];
  const stack: Span[] = [];
  for (const m of xml.matchAll(tagPattern)) {
    const [text, close, name, selfClose] = m;
    if (name === undefined) continue;
    const at = m.index;
    if (close) {
      const open = stack.pop();
      if (!open || open.name !== name) return undefined;
      open.closeStart = at;
      open.end = at + text.length;
    } else {
      const span: Span = {
        name,
        start: at,
        openEnd: at + text.length,
        closeStart: -1,
        end: -1,
        children: [],
      };
      stack[stack.length - 1]?.children.push(span);
      all.push(span);
      if (selfClose) {
        span.closeStart = span.openEnd;
        span.end = span.openEnd;
      } else stack.push(span);
    }
  }
  return stack.length === 0 && all.length > 0 ? all : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Mutations

export const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const noiseTokens = [
  '<',
  '>',
  '&',
  '/',
  '"',
  "'",
  '=',
  ' ',
  '\n',
  '\t',
  '\u0000',
  '\uFFFE',
  '\uD800',
  'é',
  '&amp;',
  '&#0;',
  '&#x1F600;',
  '&bogus;',
  ']]>',
  '<![CDATA[x]]>',
  '<!--',
  '-->',
  '<?pi x?>',
  '<!DOCTYPE x>',
  '<!ENTITY e "x">',
  '</',
  '/>',
  '<x>',
  '</x>',
  'xmlns:wmo301="urn:x"',
  `${marker}rv`,
];
export const noise = fc
  .array(fc.oneof(fc.constantFrom(...noiseTokens), fc.string({ maxLength: 3 })), {
    minLength: 1,
    maxLength: 6,
  })
  .map((parts) => parts.join(''));

/** Leaf replacement text. Anything content-like carries the marker, so a leak is detectable. */
export const leafText = fc.oneof(
  fc.string({ maxLength: 30 }).map((s) => escapeXml(`${marker}${s}`)),
  fc.string({ maxLength: 12 }).map((s) => `${marker}${s}`), // raw: may break the markup
  fc.constant(''),
  fc.constant('   '),
  fc.constant(`${marker}${'x'.repeat(5000)}`),
  fc.constant('9'.repeat(400)),
  fc.constantFrom(
    '-1',
    '+7',
    '1e3',
    '0x10',
    '3.0',
    '９',
    '99999999999999999999',
    '2025-02-30',
    '2025-01-01Z',
    '2025-01-01+01:00',
    '24:00:00',
    '12:00:00Z',
    'XX',
    '0',
    '00',
  ),
);

export const mutationKinds = [
  'delete',
  'duplicate',
  'swap',
  'leaf',
  'insert',
  'truncate',
  'namespace',
  'rename',
  'pad',
  'attribute',
  'reprefix',
  'entity',
  'child-in-leaf',
] as const;
export type MutationKind = (typeof mutationKinds)[number];
export interface Mutation {
  kind: MutationKind;
  a: number;
  b: number;
  text: string;
}

/** Element-level mutations more often than character-level ones, which mostly make malformed XML. */
export const mutationKind = fc.oneof(
  { arbitrary: fc.constantFrom<MutationKind>('delete', 'duplicate', 'swap', 'leaf', 'rename'), weight: 5 },
  {
    arbitrary: fc.constantFrom<MutationKind>('pad', 'attribute', 'reprefix', 'entity', 'child-in-leaf'),
    weight: 2,
  },
  { arbitrary: fc.constantFrom<MutationKind>('insert', 'truncate', 'namespace'), weight: 1 },
);

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: mutationKind,
  a: fc.nat(),
  b: fc.nat(),
  text: fc.oneof(leafText, noise),
});

export const at = <T>(items: readonly T[], i: number): T => items[i % items.length] as T;
export const namespaceSwaps = [
  '3_2/wmo999',
  '3_1/wmo301',
  '3_2/wmo302',
  '2_4/wmo305',
  '3_2/jw301',
  '3_2/wmo323',
];

export function mutate(xml: string, m: Mutation): string {
  const spans = scan(xml);
  const nonRoot = spans?.slice(1) ?? [];
  switch (m.kind) {
    case 'delete': {
      if (!nonRoot.length) break;
      const e = at(nonRoot, m.a);
      return xml.slice(0, e.start) + xml.slice(e.end);
    }
    case 'duplicate': {
      if (!nonRoot.length) break;
      const e = at(nonRoot, m.a);
      return xml.slice(0, e.end) + xml.slice(e.start, e.end) + xml.slice(e.end);
    }
    case 'swap': {
      const parents = (spans ?? []).filter((s) => s.children.length >= 2);
      if (!parents.length) break;
      const kids = at(parents, m.a).children;
      const i = m.b % kids.length;
      const j = (i + 1 + (m.a % (kids.length - 1))) % kids.length;
      const [x, y] = i < j ? [kids[i], kids[j]] : [kids[j], kids[i]];
      if (!x || !y) break;
      return (
        xml.slice(0, x.start) +
        xml.slice(y.start, y.end) +
        xml.slice(x.end, y.start) +
        xml.slice(x.start, x.end) +
        xml.slice(y.end)
      );
    }
    case 'leaf': {
      const leaves = nonRoot.filter((s) => s.children.length === 0 && s.closeStart > s.openEnd);
      if (!leaves.length) break;
      const e = at(leaves, m.a);
      return xml.slice(0, e.openEnd) + m.text + xml.slice(e.closeStart);
    }
    case 'rename': {
      if (!nonRoot.length) break;
      const e = at(nonRoot, m.a);
      const other = at(nonRoot, m.b).name;
      const inside = xml.slice(e.openEnd, e.closeStart);
      return `${xml.slice(0, e.start)}<${other}>${inside}</${other}>${xml.slice(e.end)}`;
    }
    case 'namespace': {
      const swapped = xml.replace(/3_2\/wmo[0-9]{3}(?=\/schema")/, at(namespaceSwaps, m.a));
      if (swapped !== xml) return swapped;
      break;
    }
    case 'pad': {
      const leaves = nonRoot.filter((s) => s.children.length === 0);
      if (!leaves.length) break;
      const e = at(leaves, m.a);
      const ws = at([' ', '\n', '\t', '  ', '\r\n '], m.b);
      return xml.slice(0, e.openEnd) + ws + xml.slice(e.openEnd, e.closeStart) + ws + xml.slice(e.closeStart);
    }
    case 'attribute': {
      if (!spans?.length) break;
      const e = at(spans, m.a);
      const tagEnd = xml.slice(e.start, e.openEnd).endsWith('/>') ? e.openEnd - 2 : e.openEnd - 1;
      const attribute = at(['foo="x"', 'xml:lang="nl"', 'iwmo:code="1"', 'undeclared:x="1"'], m.b);
      return `${xml.slice(0, tagEnd)} ${attribute}${xml.slice(tagEnd)}`;
    }
    case 'reprefix': {
      if (!nonRoot.length || !spans?.[0]) break;
      const e = at(nonRoot, m.a);
      const rootPrefix = spans[0].name.split(':')[0] as string;
      const [prefix, local] = e.name.includes(':') ? e.name.split(':') : ['', e.name];
      const options = ['iwmo', rootPrefix, 'undeclared'].filter((p) => p !== prefix);
      const name = `${at(options, m.b)}:${local}`;
      const inside = xml.slice(e.openEnd, e.closeStart);
      return `${xml.slice(0, e.start)}<${name}>${inside}</${name}>${xml.slice(e.end)}`;
    }
    case 'entity':
    case 'child-in-leaf': {
      const leaves = nonRoot.filter((s) => s.children.length === 0 && s.closeStart > s.openEnd);
      if (!leaves.length) break;
      const e = at(leaves, m.a);
      const inserted =
        m.kind === 'entity'
          ? at(['&eacute;', '&nbsp;', '&#xE9;', '&#0;', '&#xD800;'], m.b)
          : at(['<iwmo:Foo/>', `<${e.name}>1</${e.name}>`, '<!-- c -->', '<![CDATA[]]>', '<?pi x?>'], m.b);
      const inner = xml.slice(e.openEnd, e.closeStart);
      const i = m.b % (inner.length + 1);
      return (
        xml.slice(0, e.openEnd) + inner.slice(0, i) + inserted + inner.slice(i) + xml.slice(e.closeStart)
      );
    }
    case 'truncate':
      return xml.slice(0, m.a % (xml.length + 1));
    case 'insert':
      break;
  }
  const i = m.a % (xml.length + 1);
  return xml.slice(0, i) + m.text + xml.slice(i);
}
