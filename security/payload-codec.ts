import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { Keyring } from './keyring';

/*
 * Encrypts every Temporal payload (workflow and activity arguments, results, signals, updates, queries,
 * memo) with AES-256-GCM before it leaves the process, so Temporal's database holds no readable client
 * data. Runs in the client and the worker's main thread, never in the workflow sandbox.
 *
 * The whole original payload (its metadata too, e.g. `json/plain`) is serialised and encrypted; the
 * wire payload carries only what decryption needs:
 *   metadata.encoding            binary/encrypted
 *   metadata.encryption-key-id   which keyring key (rotation: decode with any known key)
 *   metadata.encryption-cipher   AES-256-GCM
 *   data                         12-byte IV ‖ ciphertext ‖ 16-byte GCM tag
 * The key id and cipher are authenticated as additional data, so editing them fails decryption too.
 */

// @temporalio/proto is CommonJS: under plain Node ESM only its default export is visible.
const { Payload: PayloadProto } = proto.temporal.api.common.v1;

export const encryptedEncoding = 'binary/encrypted';
export const keyIdMetadataKey = 'encryption-key-id';
export const cipherMetadataKey = 'encryption-cipher';
export const cipherName = 'AES-256-GCM';

const ivBytes = 12;
const tagBytes = 16;
const utf8 = new TextEncoder();
const text = new TextDecoder();

/** A payload this codec cannot decrypt; the message names the key id and the reason, never key or data. */
export class PayloadDecryptionError extends Error {
  override name = 'PayloadDecryptionError';
}

function additionalData(keyId: string): Buffer {
  return Buffer.from(`${encryptedEncoding}\0${keyId}\0${cipherName}`, 'utf8');
}

function metadataText(payload: Payload, key: string): string | undefined {
  const value = payload.metadata?.[key];
  return value ? text.decode(value) : undefined;
}

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keyring: Keyring) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.encrypt(p));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.decrypt(p));
  }

  private encrypt(payload: Payload): Payload {
    const keyId = this.keyring.activeKeyId;
    const key = this.keyring.key(keyId) as Buffer;
    const iv = randomBytes(ivBytes);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(additionalData(keyId));
    const plain = PayloadProto.encode(payload).finish();
    const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: {
        encoding: utf8.encode(encryptedEncoding),
        [keyIdMetadataKey]: utf8.encode(keyId),
        [cipherMetadataKey]: utf8.encode(cipherName),
      },
      data: sealed,
    };
  }

  private decrypt(payload: Payload): Payload {
    // Payloads written before encryption was switched on stay readable.
    if (metadataText(payload, 'encoding') !== encryptedEncoding) return payload;
    const keyId = metadataText(payload, keyIdMetadataKey);
    if (!keyId) throw new PayloadDecryptionError(`encrypted payload has no ${keyIdMetadataKey} metadata`);
    const cipherUsed = metadataText(payload, cipherMetadataKey);
    if (cipherUsed !== cipherName) {
      throw new PayloadDecryptionError(
        `encrypted payload (key "${keyId}") uses cipher "${cipherUsed ?? 'none'}"; only ${cipherName} is supported`,
      );
    }
    const key = this.keyring.key(keyId);
    if (!key) {
      throw new PayloadDecryptionError(
        `payload was encrypted with key "${keyId}", which is not in the keyring (known: ${this.keyring.keyIds.join(', ')}); add that key to PAYLOAD_KEYS to read it`,
      );
    }
    const data = payload.data ?? new Uint8Array();
    if (data.length < ivBytes + tagBytes) {
      throw new PayloadDecryptionError(`encrypted payload (key "${keyId}") is too short to hold IV and tag`);
    }
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, ivBytes));
    decipher.setAAD(additionalData(keyId));
    decipher.setAuthTag(data.subarray(data.length - tagBytes));
    let plain: Buffer;
    try {
      plain = Buffer.concat([
        decipher.update(data.subarray(ivBytes, data.length - tagBytes)),
        decipher.final(),
      ]);
    } catch {
      throw new PayloadDecryptionError(
        `encrypted payload (key "${keyId}") failed authentication: it was altered or encrypted with a different key under that id`,
      );
    }
    const original = PayloadProto.decode(plain);
    // protobufjs gives Buffers, and a plain [] for empty bytes; callers expect Uint8Array throughout.
    const metadata = Object.fromEntries(
      Object.entries(original.metadata).map(([k, v]) => [k, new Uint8Array(v)]),
    );
    return { metadata, data: new Uint8Array(original.data) };
  }
}

/** The failure converter module (security/failure-converter.ts); bundles of workflows must include it. */
export const failureConverterPath = fileURLToPath(new URL('./failure-converter.ts', import.meta.url));

/**
 * The data converter every Client and Worker of the service uses: default JSON, then encryption. Failures
 * too: with `encodeCommonAttributes` a failure's message and stack trace travel as an encrypted payload
 * (the history shows 'Encoded failure'), so an activity's error text never lies in Temporal in plaintext.
 */
export function dataConverterFor(keyring: Keyring): DataConverter {
  return {
    payloadCodecs: [new EncryptionCodec(keyring)],
    failureConverterPath,
  };
}
