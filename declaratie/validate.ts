import { decode, encode } from '../iwmo/codec';
import type { Finding } from '../iwmo/problems';
import type { Wmo323 } from './assemble';

/*
 * A 323 checked by iwmo/ before it is sent: the model schema and every in-message rule (TR358 totals,
 * CD060/TR315/TR316 credits, TR346 amounts, TR416, CS337/CS340, …) on encode, then the XML decoded again
 * and checked once more, so what leaves is what iwmo/ itself reads back. Loads zod and the XML parser:
 * call it from an activity, not from workflow code (declaratie/index.ts does not export it).
 */

export type Validated = { ok: true; xml: string } | { ok: false; findings: Finding[] };

export function validateDeclaratie(message: Wmo323, today?: string): Validated {
  const context = today === undefined ? {} : { today };
  const encoded = encode(message, context);
  if (!encoded.ok) return { ok: false, findings: encoded.findings };
  const decoded = decode(encoded.xml, context);
  if (!decoded.ok) return { ok: false, findings: decoded.error.findings ?? [decoded.error] };
  if (decoded.value.findings.length) return { ok: false, findings: decoded.value.findings };
  return { ok: true, xml: encoded.xml };
}
