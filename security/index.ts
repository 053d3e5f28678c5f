/*
 * security/: payload encryption for Temporal (AES-256-GCM PayloadCodec with a rotating keyring) and
 * clientRef, the keyed pseudonym of a BSN. Node-only (node:crypto): never imported by workflows/, since
 * codecs run in the client and the worker's main thread, outside the workflow sandbox.
 * See docs/security.md.
 */

export { clientRef, clientRefPattern, clientRefSecretMinLength, createClientRef } from './client-ref';
export { type DevSecrets, loadOrCreateDevSecrets } from './dev-secrets';
export { createKeyring, type Keyring, KeyringError, keyIdPattern, type PayloadKeyInput } from './keyring';
export {
  cipherMetadataKey,
  cipherName,
  dataConverterFor,
  EncryptionCodec,
  encryptedEncoding,
  failureConverterPath,
  keyIdMetadataKey,
  PayloadDecryptionError,
} from './payload-codec';
