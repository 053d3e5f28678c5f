// iwmo/: the iWmo 3.2 message standard, pure (no I/O, no clock); importable from workflows.
export * from './catalogue';
export * from './codelists';
export { isValidDate } from './datatypes';
export { type Detected, detect } from './detect';
export { type DecodedHeader, decodeHeader, type HeenHeader, heenHeader } from './header';
export * from './identifiers';
export { type DecodeError, type DecodeErrorKind, decodeErrorKinds, type Result } from './problems';
export { defaultMaxBytes, type ParseOptions, parseXml, utf8Length } from './safe-parse';
export { type Plain, stripNamespaces } from './tree';
