import { XMLBuilder } from 'fast-xml-parser';
import {
  basisschemaNamespace,
  type MessageInfo,
  type MessageNumber,
  type MessageType,
  messageNamespace,
  messages,
} from './catalogue';
import { detect } from './detect';
import type { Layout } from './layout';
import { type IwmoMessage, models } from './messages';
import type { DecodeError, Finding, Result } from './problems';
import { checkRules, type RuleContext } from './rules';
import { forbiddenXmlChar, type ParseOptions } from './safe-parse';
import { declare, schemaFindings, shapeChildren } from './structure';
import type { Plain } from './tree';

/*
 * decode: XML text → typed message + in-message rule findings. encode: typed message → XML, refused
 * when the message breaks the XSD or (by default) an in-message rule, so a message that the receiver
 * would reject with 0001 never leaves. Both walk the generated layout of the message.
 */

export interface DecodeOptions extends ParseOptions, RuleContext {}

export interface Decoded {
  info: MessageInfo;
  message: IwmoMessage;
  /** Level 2 findings (CD/CS/RS and in-message TRs); empty when the message passes. */
  findings: Finding[];
}

/** Level 1 problems as one decode error: the first in front, all of them in `findings`. */
export function schemaError(findings: Finding[]): { ok: false; error: DecodeError } {
  const first = findings[0] as Finding;
  return { ok: false, error: { kind: 'schema', ...first, findings } };
}

/** Level 1 checks on the parsed Bericht element, and its shape for the zod schema (structure.ts). */
export function shapeMessage(nr: MessageNumber, bericht: unknown): { shaped: unknown; problems: Finding[] } {
  const ctx = { uris: { m: messageNamespace(nr), b: basisschemaNamespace }, problems: [] as Finding[] };
  const scope = declare(bericht, {}, '/Bericht', ctx);
  return {
    shaped: shapeChildren(bericht, models[nr].layout, '/Bericht', scope, ctx),
    problems: ctx.problems,
  };
}

export function decode(xml: string, options: DecodeOptions = {}): Result<Decoded> {
  const detected = detect(xml, options);
  if (!detected.ok) return detected;
  const { info, bericht } = detected.value;
  const model = models[info.nr];
  const { shaped, problems } = shapeMessage(info.nr, bericht);
  const parsed = model.schema.safeParse(shaped);
  if (!parsed.success) problems.push(...schemaFindings('/Bericht', parsed.error.issues));
  if (problems.length) return schemaError(problems);
  const message = { type: info.type, bericht: parsed.data } as IwmoMessage;
  return { ok: true, value: { info, message, findings: checkRules(message, options) } };
}

export interface EncodeOptions extends RuleContext {
  /**
   * 'enforce' (default): refuse a message with findings. 'report': encode anyway and return them — for
   * retours, which copy the heen content unchanged, faults included.
   */
  rules?: 'enforce' | 'report';
}

export type Encoded = { ok: true; xml: string; findings: Finding[] } | { ok: false; findings: Finding[] };

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: false,
});

interface TreeContext {
  prefixes: Record<'m' | 'b', string>;
  problems: Finding[];
}

/** Text XML cannot carry at all: refused, as the receiver's parser would refuse the whole file. */
function xmlText(value: unknown, path: string, ctx: TreeContext): string {
  const text = String(value);
  if (forbiddenXmlChar.test(text)) {
    ctx.problems.push({
      rule: 'XML-CHAR',
      path,
      message: 'Waarde bevat een teken dat XML niet toestaat',
      hint: 'Remove control characters (other than tab and line breaks), U+FFFE/U+FFFF and unpaired surrogates from this value.',
    });
  }
  return text;
}

function toTree(value: Record<string, unknown>, layout: Layout, path: string, ctx: TreeContext): Plain {
  const out: Record<string, Plain> = {};
  for (const [name, field] of Object.entries(layout)) {
    const v = value[name];
    if (v === undefined) continue;
    const render = (item: unknown, at: string): Plain =>
      typeof field.type === 'string'
        ? xmlText(item, at, ctx)
        : toTree(item as Record<string, unknown>, field.type, at, ctx);
    const key = `${ctx.prefixes[field.ns]}:${name}`;
    out[key] = field.repeated
      ? (v as unknown[]).map((item, i) => render(item, `${path}/${name}[${i + 1}]`))
      : render(v, `${path}/${name}`);
  }
  return out;
}

export function encode(message: IwmoMessage, options: EncodeOptions = {}): Encoded {
  const nr = message.type.slice(3) as MessageNumber;
  const model = models[nr];
  const parsed = model.schema.safeParse(message.bericht);
  if (!parsed.success) return { ok: false, findings: schemaFindings('/Bericht', parsed.error.issues) };
  const typed = { type: message.type, bericht: parsed.data } as IwmoMessage;
  const findings = checkRules(typed, options);
  if (findings.length && (options.rules ?? 'enforce') === 'enforce') return { ok: false, findings };
  const m = `wmo${nr}`;
  const ctx: TreeContext = { prefixes: { m, b: 'iwmo' }, problems: [] };
  const body = toTree(parsed.data as Record<string, unknown>, model.layout, '/Bericht', ctx) as object;
  if (ctx.problems.length) return { ok: false, findings: ctx.problems };
  const xml = builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    [`${m}:Bericht`]: {
      '@_xmlns:iwmo': basisschemaNamespace,
      [`@_xmlns:${m}`]: messageNamespace(nr),
      ...body,
    },
  }) as string;
  // A carriage return in a value (decoded from &#13;) would come back as a line feed (XML 1.0 §2.11):
  // written as a reference it survives. The builder itself only writes \n.
  return { ok: true, xml: xml.includes('\r') ? xml.replaceAll('\r', '&#13;') : xml, findings };
}

/** The message type a type name or number stands for; for callers that route by type. */
export const infoOf = (type: MessageType): MessageInfo => messages[type.slice(3) as MessageNumber];
