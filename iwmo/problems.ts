import type { RetourCode } from './codelists';

/*
 * Why a message could not be read, or what is wrong in it. Every problem names the rule it broke, the
 * XML path, the standard's Dutch text and a hint how to mend it — never the message's content (it may
 * hold a BSN or a name).
 */
export const decodeErrorKinds = [
  'too-large',
  'forbidden-dtd',
  'malformed-xml',
  'unknown-message',
  'unsupported-version',
  'schema',
] as const;
export type DecodeErrorKind = (typeof decodeErrorKinds)[number];

/**
 * One broken rule. `retourCode` is what the receiver answers in the retour: level 2 rules (CD/CS/RS and
 * in-message TRs) give 0001 on the header; XSD problems (level 1) have none — the transport refuses them.
 */
export interface Finding {
  rule: string;
  retourCode?: RetourCode;
  path: string;
  message: string;
  hint: string;
}

export interface DecodeError extends Finding {
  kind: DecodeErrorKind;
  /** For kind 'schema': every XSD-level problem found, the first of which is repeated above. */
  findings?: Finding[];
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: DecodeError };

export function fail(kind: DecodeErrorKind, rule: string, path: string, message: string, hint: string) {
  return { ok: false as const, error: { kind, rule, path, message, hint } };
}
