import { berichtSubversie, berichtVersie, type MessageInfo, type MessageNumber, messages } from './catalogue';
import { fail, type Result } from './problems';
import { type ParseOptions, parseXml, type XmlNode } from './safe-parse';
import { xmlTrim } from './xml-chars';

/*
 * Which message is this, and is it iWmo 3.2? Decided by the root element's namespace URI (any prefix,
 * or a default namespace), then confirmed by the header's BerichtCode and version.
 */

export interface Detected {
  info: MessageInfo;
  /** Release from the namespace, e.g. '3.2'. */
  release: string;
  /** The parsed tree, its root element (Bericht) and the prefix (possibly '') of the message namespace. */
  tree: XmlNode;
  bericht: XmlNode;
  prefix: string;
}

/** Release in the path; 2.x namespaces end in the release again (…/iwmo/2_1/wmo301/schema/2_1). */
const namespacePattern =
  /^http:\/\/www\.istandaarden\.nl\/(iwmo|ijw)\/(\d+)_(\d+)\/(wmo|jw)(\d{3})\/schema(\/\d+_\d+)?$/;

function rootOf(tree: XmlNode): [string, XmlNode] | undefined {
  const roots = Object.keys(tree).filter((k) => !k.startsWith('?') && k !== '#text');
  if (roots.length !== 1 || !roots[0]) return undefined;
  const node = tree[roots[0]];
  return [roots[0], typeof node === 'object' && node !== null ? (node as XmlNode) : {}];
}

function splitName(qname: string): [prefix: string, local: string] {
  const i = qname.indexOf(':');
  return i < 0 ? ['', qname] : [qname.slice(0, i), qname.slice(i + 1)];
}

/** Header codes are echoed in errors only when they look like codes, so no content can leak through. */
const shown = (value: string | undefined) => (value && /^[0-9]{1,3}$/.test(value) ? value : 'ongeldig');

function text(node: unknown): string | undefined {
  if (typeof node === 'string') return xmlTrim(node); // BerichtCode and versions: compared as tokens
  if (typeof node === 'object' && node !== null && '#text' in node) return xmlTrim(String(node['#text']));
  return undefined;
}

const unknown = (message: string, hint: string) => fail('unknown-message', 'XSD-ROOT', '/', message, hint);

export function detect(xml: string, options: ParseOptions = {}): Result<Detected> {
  const parsed = parseXml(xml, options);
  if (!parsed.ok) return parsed;
  const root = rootOf(parsed.value);
  if (!root)
    return unknown(
      'Bericht heeft geen enkel root-element',
      'A message has exactly one root element, Bericht.',
    );
  const [qname, node] = root;
  const [prefix, local] = splitName(qname);
  if (local !== 'Bericht') {
    return unknown(
      `Root-element is ${local}, verwacht Bericht`,
      'The root element of every iWmo message is Bericht.',
    );
  }
  const ns = node[prefix ? `@_xmlns:${prefix}` : '@_xmlns'];
  const match = typeof ns === 'string' ? namespacePattern.exec(ns) : null;
  if (!match) {
    return unknown(
      'Namespace van Bericht is geen iWmo-namespace',
      'Use http://www.istandaarden.nl/iwmo/3_2/wmoNNN/schema for the Bericht element.',
    );
  }
  const [, standard, major, minor, , nr, suffix] = match;
  if (standard === 'ijw') {
    return unknown(
      `Dit is een iJw-bericht (JW${nr}), geen iWmo-bericht`,
      'Send Jeugdwet messages to an iJw channel.',
    );
  }
  const release = `${major}.${minor}`;
  if (release !== '3.2') {
    // Not CS025: that rule is about BerichtVersie in a 3.2 message, and a 3.1 message has version 3.
    return fail(
      'unsupported-version',
      'XSD-RELEASE',
      '/Bericht',
      `iWmo-release ${release} wordt niet ondersteund`,
      'Only iWmo 3.2 is in production; upgrade the sending software to 3.2.',
    );
  }
  if (suffix) {
    return unknown(
      'Namespace van Bericht is geen iWmo 3.2-namespace',
      `Use http://www.istandaarden.nl/iwmo/3_2/wmo${nr}/schema (no release suffix) for the Bericht element.`,
    );
  }
  const info = messages[nr as MessageNumber];
  if (!info) {
    return unknown(
      `WMO${nr} bestaat niet in iWmo 3.2`,
      'iWmo 3.2 has 301, 302, 305–308, 315–320, 323 and 325.',
    );
  }
  return checkHeader(node, prefix, info, { info, release, tree: parsed.value, bericht: node, prefix });
}

function checkHeader(
  bericht: XmlNode,
  prefix: string,
  info: MessageInfo,
  detected: Detected,
): Result<Detected> {
  const el = (name: string) => (prefix ? `${prefix}:${name}` : name);
  const header = bericht[el('Header')] as XmlNode | undefined;
  const code = text(header?.[el('BerichtCode')]);
  if (code !== info.berichtCode) {
    return fail(
      'unknown-message',
      'XSD-BerichtCode',
      '/Bericht/Header/BerichtCode',
      `BerichtCode is ${shown(code)}, verwacht ${info.berichtCode} voor ${info.type}`,
      `Fill BerichtCode with the Vektis code ${info.berichtCode}, not the message number.`,
    );
  }
  const versie = text(header?.[el('BerichtVersie')]);
  const subversie = text(header?.[el('BerichtSubversie')]);
  if (versie !== berichtVersie || subversie !== berichtSubversie) {
    return fail(
      'unsupported-version',
      versie !== berichtVersie ? 'CS025' : 'CS015',
      versie !== berichtVersie ? '/Bericht/Header/BerichtVersie' : '/Bericht/Header/BerichtSubversie',
      `Berichtversie ${shown(versie)}.${shown(subversie)} wijkt af van 3.2`,
      'BerichtVersie must be 3 and BerichtSubversie 2 for iWmo 3.2.',
    );
  }
  return { ok: true, value: detected };
}
