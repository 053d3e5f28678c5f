import { randomBytes, webcrypto } from 'node:crypto';
import type { Payload } from '@temporalio/common';
import proto from '@temporalio/proto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createKeyring,
  EncryptionCodec,
  encryptedEncoding,
  keyIdMetadataKey,
  PayloadDecryptionError,
} from '../../../security';

/*
 * The AES-256-GCM PayloadCodec: round trip, tamper detection, key rotation, unknown keys, and the wire
 * format as documented (checked with WebCrypto, an API independent of the codec's node:crypto calls).
 */

const newKey = (id: string) => ({ id, key: randomBytes(32).toString('base64') });
const k1 = newKey('2026-01');
const k2 = newKey('2026-07');
const utf8 = new TextEncoder();
const text = new TextDecoder();

function jsonPayload(value: unknown): Payload {
  return { metadata: { encoding: utf8.encode('json/plain') }, data: utf8.encode(JSON.stringify(value)) };
}

const meta = (p: Payload, key: string) => text.decode(p.metadata?.[key]);

async function encodeOne(codec: EncryptionCodec, p: Payload): Promise<Payload> {
  const [out] = await codec.encode([p]);
  if (!out) throw new Error('codec returned no payload');
  return out;
}

async function decodeError(codec: EncryptionCodec, p: Payload): Promise<Error> {
  const err = await codec.decode([p]).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PayloadDecryptionError);
  return err as Error;
}

const payloadArb = fc.record({
  metadata: fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), fc.uint8Array({ maxLength: 40 }), {
    maxKeys: 4,
  }),
  data: fc.uint8Array({ maxLength: 2000 }),
});

describe('EncryptionCodec', () => {
  const codec = new EncryptionCodec(createKeyring([k1], k1.id));

  it('round-trips any payload, metadata included', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(payloadArb, { maxLength: 4 }), async (payloads) => {
        const encoded = await codec.encode(payloads);
        expect(encoded).toHaveLength(payloads.length);
        const decoded = await codec.decode(encoded);
        expect(decoded.map((p) => ({ metadata: { ...p.metadata }, data: p.data }))).toEqual(payloads);
      }),
      { seed: 8, numRuns: 100 },
    );
  });

  it('hides data and original metadata, and uses a fresh IV every time', async () => {
    const p = jsonPayload({ marker: 'ZZ-secret-marker-ZZ' });
    const a = await encodeOne(codec, p);
    const b = await encodeOne(codec, p);
    expect(Object.keys(a.metadata ?? {}).sort()).toEqual(['encoding', 'encryption-cipher', keyIdMetadataKey]);
    expect(meta(a, 'encoding')).toBe(encryptedEncoding);
    expect(meta(a, keyIdMetadataKey)).toBe(k1.id);
    expect(Buffer.from(a.data ?? []).includes('ZZ-secret-marker-ZZ')).toBe(false);
    expect(Buffer.from(a.data ?? []).includes('json/plain')).toBe(false);
    expect(Buffer.from(a.data ?? []).equals(Buffer.from(b.data ?? []))).toBe(false);
  });

  it('passes payloads that were never encrypted through decode unchanged', async () => {
    const p = jsonPayload({ before: 'encryption was switched on' });
    expect(await codec.decode([p])).toEqual([p]);
  });

  it('detects a changed byte anywhere in IV, ciphertext or tag', async () => {
    const sealed = await encodeOne(codec, jsonPayload({ n: 1 }));
    const data = sealed.data ?? new Uint8Array();
    for (const at of [0, 11, 12, Math.floor(data.length / 2), data.length - 1]) {
      const tampered = Uint8Array.from(data);
      tampered[at] = (tampered[at] ?? 0) ^ 0x01;
      const err = await decodeError(codec, { ...sealed, data: tampered });
      expect(err.message).toMatch(/key "2026-01"\) failed authentication: it was altered/);
    }
  });

  it('detects a payload relabelled with another known key id or truncated', async () => {
    const both = new EncryptionCodec(createKeyring([k1, k2], k1.id));
    const sealed = await encodeOne(both, jsonPayload({ n: 2 }));
    const relabelled = {
      ...sealed,
      metadata: { ...sealed.metadata, [keyIdMetadataKey]: utf8.encode(k2.id) },
    };
    expect((await decodeError(both, relabelled)).message).toMatch(/key "2026-07"\) failed authentication/);
    const short = { ...sealed, data: sealed.data?.subarray(0, 20) };
    expect((await decodeError(both, short)).message).toMatch(/too short to hold IV and tag/);
    const noId = { ...sealed, metadata: { encoding: utf8.encode(encryptedEncoding) } };
    expect((await decodeError(both, noId)).message).toMatch(/no encryption-key-id metadata/);
    const otherCipher = {
      ...sealed,
      metadata: { ...sealed.metadata, 'encryption-cipher': utf8.encode('ROT13') },
    };
    expect((await decodeError(both, otherCipher)).message).toMatch(/uses cipher "ROT13"; only AES-256-GCM/);
  });

  it('rotates: new payloads use the new key, old ones still decode, a dropped key is named', async () => {
    const before = new EncryptionCodec(createKeyring([k1], k1.id));
    const old = await encodeOne(before, jsonPayload({ era: 'old' }));

    const rotated = new EncryptionCodec(createKeyring([k1, k2], k2.id));
    const fresh = await encodeOne(rotated, jsonPayload({ era: 'new' }));
    expect(meta(fresh, keyIdMetadataKey)).toBe(k2.id);
    const [oldBack, freshBack] = await rotated.decode([old, fresh]);
    expect(text.decode(oldBack?.data)).toBe('{"era":"old"}');
    expect(text.decode(freshBack?.data)).toBe('{"era":"new"}');

    const retired = new EncryptionCodec(createKeyring([k2], k2.id));
    const err = await decodeError(retired, old);
    expect(err.message).toBe(
      'payload was encrypted with key "2026-01", which is not in the keyring (known: 2026-07); add that key to PAYLOAD_KEYS to read it',
    );
    expect(err.message).not.toContain(k1.key);
    expect(err.message).not.toContain(k2.key);
  });

  it('writes the documented format: IV(12) ‖ ciphertext ‖ tag(16), key id and cipher as AAD', async () => {
    const original = jsonPayload({ format: 'documented' });
    const sealed = (await encodeOne(codec, original)).data ?? new Uint8Array();
    const key = await webcrypto.subtle.importKey('raw', Buffer.from(k1.key, 'base64'), 'AES-GCM', false, [
      'decrypt',
    ]);
    const plain = await webcrypto.subtle.decrypt(
      {
        name: 'AES-GCM',
        iv: sealed.subarray(0, 12),
        additionalData: utf8.encode(`binary/encrypted\0${k1.id}\0AES-256-GCM`),
        tagLength: 128,
      },
      key,
      sealed.subarray(12),
    );
    const inner = proto.temporal.api.common.v1.Payload.decode(new Uint8Array(plain));
    expect(text.decode(inner.data)).toBe('{"format":"documented"}');
    expect(text.decode(inner.metadata.encoding)).toBe('json/plain');
  });
});
