import type { z } from 'zod';
import type { Layout } from './layout';
import type { Finding } from './problems';
import type { Plain } from './tree';

/*
 * Level 1 (XSD) checks that zod cannot see on a parsed tree: elements the schema does not know,
 * elements out of the XSD's order, one element given twice. Also turns the text of xs:integer leaves
 * into numbers and makes repeated elements arrays, so the zod schema sees the message's real shape.
 */

const xsd = (path: string, message: string, hint: string): Finding => ({ rule: 'XSD', path, message, hint });

function toInteger(text: string): number | string {
  if (!/^[+-]?[0-9]+$/.test(text)) return text; // left as text: zod names the type error
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

function leaf(value: Plain, type: 'int' | 'text', path: string, problems: Finding[]): unknown {
  if (typeof value !== 'string') {
    problems.push(
      xsd(
        path,
        'Element bevat kindelementen waar een waarde verwacht wordt',
        'Give this element a value only.',
      ),
    );
    return undefined;
  }
  return type === 'int' ? toInteger(value) : value;
}

export function normalise(
  node: Plain,
  layout: Layout,
  path: string,
  problems: Finding[],
): Record<string, unknown> {
  if (typeof node === 'string' || Array.isArray(node)) {
    if (typeof node === 'string' && node !== '') {
      problems.push(
        xsd(
          path,
          'Element bevat tekst waar kindelementen verwacht worden',
          'Fill the child elements the XSD defines.',
        ),
      );
    }
    return {};
  }
  const names = Object.keys(layout);
  const out: Record<string, unknown> = {};
  let lastIndex = -1;
  for (const [name, value] of Object.entries(node)) {
    const index = names.indexOf(name);
    const field = layout[name];
    if (index < 0 || !field) {
      problems.push(
        xsd(
          `${path}/${name}`,
          `Element ${name} hoort hier niet`,
          'Remove it, or check its spelling and place against the XSD.',
        ),
      );
      continue;
    }
    if (index < lastIndex) {
      problems.push(
        xsd(
          `${path}/${name}`,
          `Element ${name} staat niet op de volgorde van het XSD`,
          `Put ${name} before ${names[lastIndex]}.`,
        ),
      );
    }
    lastIndex = Math.max(lastIndex, index);
    const items = Array.isArray(value) ? value : [value];
    if (!field.repeated && items.length > 1) {
      problems.push(
        xsd(`${path}/${name}`, `Element ${name} mag maar één keer voorkomen`, `Send one ${name}.`),
      );
    }
    const mapped = items.map((item, i) => {
      const at = field.repeated ? `${path}/${name}[${i + 1}]` : `${path}/${name}`;
      return typeof field.type === 'string'
        ? leaf(item, field.type, at, problems)
        : normalise(item, field.type, at, problems);
    });
    out[name] = field.repeated ? mapped : mapped[0];
  }
  return out;
}

/** XPath-like path of a zod issue: array indexes become 1-based predicates, as in XML tools. */
export function xmlPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const key of path) out += typeof key === 'number' ? `[${key + 1}]` : `/${String(key)}`;
  return out;
}

function describe(issue: z.core.$ZodIssue): [message: string, hint: string] {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? ['Verplicht element ontbreekt', 'Fill this mandatory element.']
        : ['Waarde heeft het verkeerde type', `Give a value of type ${issue.expected}.`];
    case 'invalid_value':
      return [
        'Waarde komt niet voor in de codelijst of is niet toegestaan',
        `Use one of: ${issue.values.slice(0, 20).join(', ')}${issue.values.length > 20 ? ', …' : ''}.`,
      ];
    case 'too_big':
      return ['Waarde is te lang of te groot', `At most ${String(issue.maximum)}.`];
    case 'too_small':
      return [
        'Waarde is te kort, te klein of leeg',
        `At least ${String(issue.minimum)} (no empty elements, RS033).`,
      ];
    case 'invalid_format':
      return [
        'Waarde heeft niet het voorgeschreven formaat',
        'Use the format the XSD prescribes for this element.',
      ];
    default:
      return [issue.message, 'Fill this element as the XSD requires.'];
  }
}

/** zod issues as level 1 findings; never quotes the input value (it may be a BSN or a name). */
export function schemaFindings(root: string, issues: readonly z.core.$ZodIssue[]): Finding[] {
  return issues.map((issue) => {
    const [message, hint] = describe(issue);
    return xsd(xmlPath(root, issue.path), message, hint);
  });
}
