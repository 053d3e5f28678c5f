// iwmo/: the iWmo 3.2 message standard, pure (no I/O, no clock); importable from workflows. A workflow that
// needs only the toewijzing version order imports './toewijzing-version' directly (no zod, no parser).
export * from './catalogue';
export { type Decoded, type DecodeOptions, decode, type Encoded, type EncodeOptions, encode } from './codec';
export * from './codelists';
export { isoDate, isoTime, isValidDate } from './datatypes';
export * from './declaratie-antwoord';
export { type Detected, detect } from './detect';
export { type DecodedHeader, decodeHeader, type HeenHeader } from './header';
export * from './identifiers';
export type { Layout, LayoutField } from './layout';
export { isValidTime } from './lexical';
export * from './messages';
export {
  type DecodeError,
  type DecodeErrorKind,
  decodeErrorKinds,
  type Finding,
  type Result,
} from './problems';
export { referentieMaxLength, referentieProblem } from './referentie';
export * from './request-builder';
export * from './retour';
export { checkRules, type RuleContext, rules } from './rules';
export type { RuleInfo } from './rules/catalogue';
export { broken } from './rules/finding';
export { defaultMaxBytes, type ParseOptions, parseXml, utf8Length } from './safe-parse';
export * from './toewijzing-version';
export { type Plain, stripNamespaces } from './tree';
