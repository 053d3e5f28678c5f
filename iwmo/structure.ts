import type { z } from 'zod';
import { isoDate, isoTime } from './datatypes';
import type { Layout, LeafField } from './layout';
import type { Finding } from './problems';
import type { XmlNode } from './safe-parse';
import { isXmlSpace, xmlTrim } from './xml-chars';

/*
 * Level 1 (XSD) checks that zod cannot see, made on the parsed tree while it is shaped for zod: every
 * element in the namespace the XSD puts it in (resolved by URI, with xmlns declarations in scope), no
 * element the schema does not know, XSD order, no element twice that may occur once, no attributes
 * (xsi:* excepted), no text between elements and no elements inside a value. Integer leaves become
 * numbers and repeated elements arrays. Whitespace is kept in xs:string values (whiteSpace preserve)
 * and collapsed only in integers, dates and times, as the XSD does.
 */

const xsiNamespace = 'http://www.w3.org/2001/XMLSchema-instance';

export type Scope = Readonly<Record<string, string>>;
export interface ShapeContext {
  /** Namespace URI of message-schema ('m') and basisschema ('b') elements. */
  uris: Record<'m' | 'b', string>;
  problems: Finding[];
}

const xsd = (path: string, message: string, hint: string): Finding => ({ rule: 'XSD', path, message, hint });

function splitName(qname: string): [prefix: string, local: string] {
  const i = qname.indexOf(':');
  return i < 0 ? ['', qname] : [qname.slice(0, i), qname.slice(i + 1)];
}

/** The element's own namespace declarations added to the scope; other attributes are refused. */
export function declare(node: unknown, scope: Scope, path: string, ctx: ShapeContext): Scope {
  if (typeof node !== 'object' || node === null) return scope;
  let next: Record<string, string> | undefined;
  const attributes = Object.keys(node).filter((k) => k.startsWith('@_'));
  for (const key of attributes) {
    const name = key.slice(2);
    if (name !== 'xmlns' && !name.startsWith('xmlns:')) continue;
    next ??= { ...scope };
    next[name === 'xmlns' ? '' : name.slice(6)] = String((node as XmlNode)[key]);
  }
  const inScope = next ?? scope;
  for (const key of attributes) {
    const name = key.slice(2);
    if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
    if (inScope[splitName(name)[0]] !== xsiNamespace || !name.includes(':')) {
      ctx.problems.push(
        xsd(path, 'Attribuut is niet toegestaan', 'iWmo elements carry no attributes; remove it.'),
      );
    }
  }
  return inScope;
}

function toInteger(text: string): number | string {
  if (!/^[+-]?[0-9]+$/.test(text)) return text; // left as text: zod names the type error
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

const collapses = (field: LeafField) =>
  field.type === 'int' || field.schema === isoDate || field.schema === isoTime;

function leafValue(node: unknown, field: LeafField, path: string, ctx: ShapeContext) {
  let text: string;
  if (typeof node === 'object' && node !== null) {
    if (Object.keys(node).some((k) => !k.startsWith('@_') && k !== '#text')) {
      ctx.problems.push(
        xsd(
          path,
          'Element bevat kindelementen waar een waarde verwacht wordt',
          'Give this element a value only.',
        ),
      );
    }
    text = String((node as XmlNode)['#text'] ?? '');
  } else text = String(node ?? '');
  if (collapses(field)) text = xmlTrim(text);
  return field.type === 'int' ? toInteger(text) : text;
}

/** Shapes the children of an element whose own namespace declarations are already in `scope`. */
export function shapeChildren(node: unknown, layout: Layout, path: string, scope: Scope, ctx: ShapeContext) {
  const out: Record<string, unknown> = {};
  if (typeof node !== 'object' || node === null) {
    if (!isXmlSpace(String(node ?? ''))) {
      ctx.problems.push(
        xsd(
          path,
          'Element bevat tekst waar kindelementen verwacht worden',
          'Fill the child elements the XSD defines.',
        ),
      );
    }
    return out;
  }
  const names = Object.keys(layout);
  let lastIndex = -1;
  for (const [key, value] of Object.entries(node as XmlNode)) {
    if (key.startsWith('@_')) continue;
    if (key === '#text') {
      if (!isXmlSpace(String(value))) {
        ctx.problems.push(
          xsd(
            path,
            'Tekst tussen elementen is niet toegestaan',
            'Remove the text between the child elements.',
          ),
        );
      }
      continue;
    }
    const [prefix, name] = splitName(key);
    const index = names.indexOf(name);
    const field = layout[name];
    if (index < 0 || !field) {
      ctx.problems.push(
        xsd(
          `${path}/${name}`,
          `Element ${name} hoort hier niet`,
          'Remove it, or check its spelling and place against the XSD.',
        ),
      );
      continue;
    }
    if (index < lastIndex) {
      ctx.problems.push(
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
      ctx.problems.push(
        xsd(`${path}/${name}`, `Element ${name} mag maar één keer voorkomen`, `Send one ${name}.`),
      );
    }
    const mapped = items.map((item, i) => {
      const at = field.repeated ? `${path}/${name}[${i + 1}]` : `${path}/${name}`;
      const itemScope = declare(item, scope, at, ctx);
      if (itemScope[prefix] !== ctx.uris[field.ns]) {
        const which = field.ns === 'm' ? 'berichtnamespace' : 'basisschema-namespace';
        ctx.problems.push(
          xsd(at, `Element ${name} staat niet in de ${which}`, `Put ${name} in ${ctx.uris[field.ns]}.`),
        );
      }
      return typeof field.type === 'string'
        ? leafValue(item, field, at, ctx)
        : shapeChildren(item, field.type, at, itemScope, ctx);
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
    case 'invalid_value': {
      const more = issue.values.length > 20 ? ', …' : '';
      return [
        'Waarde komt niet voor in de codelijst of is niet toegestaan',
        `Use one of: ${issue.values.slice(0, 20).join(', ')}${more}.`,
      ];
    }
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
