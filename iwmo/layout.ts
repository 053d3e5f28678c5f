import type { z } from 'zod';

/*
 * The shape of a message as the XSD lays it out: element order (the key order), which namespace an
 * element is in ('m' = the message schema, 'b' = the basisschema, whose complex types' children are
 * basisschema elements), cardinality, and for a leaf whether it is an xs:integer and its zod type.
 * Generated per message in iwmo/model/; decode and encode walk it.
 */
export type LayoutField = {
  ns: 'm' | 'b';
  optional: boolean;
  repeated: boolean;
} & ({ type: Layout } | { type: 'int' | 'text'; schema: z.ZodType });

export type Layout = { readonly [element: string]: LayoutField };
