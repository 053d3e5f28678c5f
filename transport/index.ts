// transport/: moving iWmo messages to and from the outside — one Transport interface (send, fetch,
// confirm, status), a VECOZO-style REST client over mutual TLS, and a drop folder. I/O only; no iWmo
// decoding here (the inbound path does that) and no database (the outbox and inbox own their rows).
export { type BerichtstroomOf, messageTypeOf, placeholderBerichtstroom } from './berichtstroom';
export { loadTransport, parseTransportEnv, type TransportEnv } from './config';
export { createDropFolderTransport, type DropFolderConfig, type DropFolderTransport } from './drop-folder';
export {
  isRetryable,
  nonRetryableTransportErrorTypes,
  TransportError,
  type TransportOperation,
  TransportRefusedError,
  TransportRequestError,
  TransportRetryableError,
} from './errors';
export * from './metadata';
export {
  createRestTransport,
  maxPushBytes,
  type RestEndpoints,
  type RestTransport,
  type RestTransportConfig,
  vecozoEndpoints,
} from './rest/client';
export * from './types';
