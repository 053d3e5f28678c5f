import type { z } from 'zod';
import { basisschemaNamespace, type MessageInfo, messageNamespace } from './catalogue';
import { detect } from './detect';
import type { Layout, LayoutField } from './layout';
import { type Berichten, models } from './messages';
import type { DecodeError, Finding, Result } from './problems';
import type { ParseOptions } from './safe-parse';
import { declare, schemaFindings, shapeChildren } from './structure';

/*
 * Only the header: for a message whose body may be broken, the inbox still needs who sent it and its
 * Identificatie (to store it, answer it, find it again). Same model and checks as decode, limited to
 * the Header element; the Afzender's kind (gemeentecode or AGB code) follows from the message type.
 */

export type HeenHeader = Berichten[keyof Berichten]['Header'];

export interface DecodedHeader {
  info: MessageInfo;
  header: HeenHeader;
}

/** The Header element of a parsed Bericht, with its key as written (any prefix). */
function headerOnly(bericht: Record<string, unknown>): Record<string, unknown> {
  const key = Object.keys(bericht).find((k) => k === 'Header' || k.endsWith(':Header'));
  return key ? { [key]: bericht[key] } : {};
}

export function decodeHeader(xml: string, options: ParseOptions = {}): Result<DecodedHeader> {
  const detected = detect(xml, options);
  if (!detected.ok) return detected;
  const { info, bericht } = detected.value;
  const model = models[info.nr];
  const ctx = { uris: { m: messageNamespace(info.nr), b: basisschemaNamespace }, problems: [] as Finding[] };
  const scope = declare(bericht, {}, '/Bericht', ctx);
  const layout: Layout = { Header: model.layout.Header as LayoutField };
  const shaped = shapeChildren(headerOnly(bericht), layout, '/Bericht', scope, ctx);
  const schema = (model.schema as unknown as z.ZodObject<{ Header: z.ZodType }>).shape.Header;
  const parsed = schema.safeParse(shaped.Header);
  if (!parsed.success) ctx.problems.push(...schemaFindings('/Bericht/Header', parsed.error.issues));
  if (ctx.problems.length) {
    const error: DecodeError = { kind: 'schema', ...(ctx.problems[0] as Finding), findings: ctx.problems };
    return { ok: false, error };
  }
  return { ok: true, value: { info, header: parsed.data as HeenHeader } };
}
