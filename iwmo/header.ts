import type { z } from 'zod';
import type { MessageInfo } from './catalogue';
import { schemaError, shapeMessage } from './codec';
import { detect } from './detect';
import { type Berichten, models } from './messages';
import type { Result } from './problems';
import type { ParseOptions } from './safe-parse';
import { schemaFindings } from './structure';

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

/** The Bericht element with its attributes (namespace declarations) and its Header only. */
function headerOnly(bericht: Record<string, unknown>): Record<string, unknown> {
  const keep = (k: string) => k.startsWith('@_') || k === 'Header' || k.endsWith(':Header');
  return Object.fromEntries(Object.entries(bericht).filter(([k]) => keep(k)));
}

export function decodeHeader(xml: string, options: ParseOptions = {}): Result<DecodedHeader> {
  const detected = detect(xml, options);
  if (!detected.ok) return detected;
  const { info, bericht } = detected.value;
  const { shaped, problems } = shapeMessage(info.nr, headerOnly(bericht));
  const schema = (models[info.nr].schema as unknown as z.ZodObject<{ Header: z.ZodType }>).shape.Header;
  const parsed = schema.safeParse((shaped as { Header?: unknown }).Header);
  if (!parsed.success) problems.push(...schemaFindings('/Bericht/Header', parsed.error.issues));
  if (problems.length) return schemaError(problems);
  return { ok: true, value: { info, header: parsed.data as HeenHeader } };
}
