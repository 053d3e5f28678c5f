/*
 * Why a message could not be read. Every failure is one of these kinds, with the rule it broke, the
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

export interface DecodeError {
  kind: DecodeErrorKind;
  rule: string;
  path: string;
  message: string;
  hint: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: DecodeError };

export function fail(kind: DecodeErrorKind, rule: string, path: string, message: string, hint: string) {
  return { ok: false as const, error: { kind, rule, path, message, hint } };
}
