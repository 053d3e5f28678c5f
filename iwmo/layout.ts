import type { z } from 'zod';

/*
 * The shape of a message as the XSD lays it out: element order (the key order), which namespace an
 * element is in ('m' = the message schema, 'b' = the basisschema, whose complex types' children are
 * basisschema elements), cardinality, and for a leaf whether it is an xs:integer and its zod type.
 * Generated per message in iwmo/model/; decode and encode walk it.
 */
interface FieldBase {
  ns: 'm' | 'b';
  optional: boolean;
  repeated: boolean;
}
export interface LeafField extends FieldBase {
  type: 'int' | 'text';
  schema: z.ZodType;
}
export interface BranchField extends FieldBase {
  type: Layout;
}
export type LayoutField = LeafField | BranchField;

export type Layout = { readonly [element: string]: LayoutField };
