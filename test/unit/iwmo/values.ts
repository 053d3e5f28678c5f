import {
  type IwmoMessage,
  isoDate,
  isoTime,
  type Layout,
  type LayoutField,
  type MessageNumber,
  models,
} from '../../../iwmo';
import type { Leaf } from '../../support/xmllint';

/*
 * Compares what decode made of a document with what xmllint read in it (test/support/xmllint.ts
 * valuesWithXsd): the same leaf elements in the same order, each with the same value. The XSD's
 * whitespace rule decides how a value compares: xs:integer, xs:date and xs:time collapse whitespace,
 * every xs:string type (names, codes, identifiers) keeps it.
 */

interface DecodedLeaf {
  path: string;
  field: LayoutField;
  value: unknown;
}

function leavesOf(value: Record<string, unknown>, layout: Layout, path: string, out: DecodedLeaf[]) {
  for (const [name, field] of Object.entries(layout)) {
    const v = value[name];
    if (v === undefined) continue;
    for (const item of field.repeated ? (v as unknown[]) : [v]) {
      if (typeof field.type === 'string') out.push({ path: `${path}/${name}`, field, value: item });
      else leavesOf(item as Record<string, unknown>, field.type, `${path}/${name}`, out);
    }
  }
  return out;
}

/** The value xmllint's text stands for, by the XSD's whitespace rule for the element's type. */
function expected(field: LayoutField, text: string): unknown {
  if (typeof field.type !== 'string') return text;
  if (field.type === 'int') return Number(text.trim());
  const schema = (field as { schema: unknown }).schema;
  return schema === isoDate || schema === isoTime ? text.trim() : text;
}

/** Differences between decode's message and xmllint's leaves; empty when they agree. */
export function valueDifferences(message: IwmoMessage, leaves: Leaf[]): string[] {
  const nr = message.type.slice(3) as MessageNumber;
  const ours = leavesOf(message.bericht as Record<string, unknown>, models[nr].layout, '/Bericht', []);
  const out: string[] = [];
  const n = Math.max(ours.length, leaves.length);
  for (let i = 0; i < n; i++) {
    const a = ours[i];
    const b = leaves[i];
    if (!a || !b || a.path !== b.path) {
      out.push(`leaf ${i + 1}: decode has ${a?.path ?? 'nothing'}, xmllint has ${b?.path ?? 'nothing'}`);
      break;
    }
    const want = expected(a.field, b.text);
    if (a.value !== want)
      out.push(`${a.path}: decode read ${JSON.stringify(a.value)}, xmllint ${JSON.stringify(want)}`);
  }
  return out;
}
