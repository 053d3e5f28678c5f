import type { XmlNode } from './safe-parse';

/*
 * Namespace-free view of a parsed message. Inside one iWmo message every element's local name is
 * unambiguous (message-schema elements and basisschema children never share a name at the same place),
 * so once detect() has checked the root's namespace the prefixes carry no more information.
 */

export type Plain = string | Plain[] | { [name: string]: Plain };

function localName(key: string): string {
  const i = key.indexOf(':');
  return i < 0 ? key : key.slice(i + 1);
}

export function stripNamespaces(node: unknown): Plain {
  if (Array.isArray(node)) return node.map(stripNamespaces);
  if (typeof node !== 'object' || node === null)
    return node === undefined || node === null ? '' : String(node);
  const entries = Object.entries(node as XmlNode).filter(([k]) => !k.startsWith('@_') && !k.startsWith('?'));
  const children = entries.filter(([k]) => k !== '#text');
  // An element with children: the text between them is layout whitespace. Without: the text is its value.
  if (!children.length) return String((node as XmlNode)['#text'] ?? '');
  const out: { [name: string]: Plain } = {};
  for (const [key, value] of children) out[localName(key)] = stripNamespaces(value);
  return out;
}
