import { webcrypto } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientRef, clientRefPattern, createClientRef } from '../../../security';

/*
 * clientRef against an independent computation: HMAC-SHA256 by WebCrypto, and the ref's base32 read
 * back by a decoder written here from RFC 4648, so neither the MAC nor the encoding is the code under
 * test checking itself.
 */

const secret = 'test-secret-0123456789-abcdefghijklmnop';
const bsnArb = fc.stringMatching(/^[0-9]{9}$/);

/** RFC 4648 base32 (lowercase, no padding) → bytes; trailing bits beyond whole bytes are dropped. */
function fromBase32(s: string): Uint8Array {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const bits = [...s].map((ch) => alphabet.indexOf(ch).toString(2).padStart(5, '0')).join('');
  const bytes = bits.match(/.{8}/g) ?? [];
  return Uint8Array.from(bytes.map((b) => Number.parseInt(b, 2)));
}

async function referenceMac(bsn: string, key: string): Promise<Uint8Array> {
  const k = await webcrypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(key),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const message = new TextEncoder().encode(`iwmo-flow/client-ref/v1\0${bsn}`);
  return new Uint8Array(await webcrypto.subtle.sign('HMAC', k, message));
}

describe('clientRef', () => {
  it('is c_ + base32 of the first 128 bits of HMAC-SHA256(secret, context ‖ BSN)', async () => {
    await fc.assert(
      fc.asyncProperty(bsnArb, async (bsn) => {
        const ref = clientRef(bsn, secret);
        expect(ref).toMatch(clientRefPattern);
        const mac = await referenceMac(bsn, secret);
        expect(fromBase32(ref.slice(2))).toEqual(mac.subarray(0, 16));
      }),
      { seed: 11, numRuns: 50 },
    );
  });

  it('is stable for a BSN and secret, and differs across BSNs and across secrets', () => {
    const ref = createClientRef(secret);
    expect(ref('999993653')).toBe(clientRef('999993653', secret));
    expect(ref('999993653')).not.toBe(ref('999993665'));
    expect(clientRef('999993653', `${secret}x`)).not.toBe(ref('999993653'));
  });

  it('never contains the BSN, and a bad input is refused without repeating it', () => {
    fc.assert(
      fc.property(bsnArb, (bsn) => {
        expect(clientRef(bsn, secret)).not.toContain(bsn);
      }),
      { seed: 12, numRuns: 50 },
    );
    for (const bad of ['12345678', '1234567890', '12345678a', ' 123456789', 'Jansen']) {
      expect(() => clientRef(bad, secret)).toThrow('clientRef: a BSN is exactly 9 digits');
    }
  });

  it('refuses a short secret when it is bound, not at the first message', () => {
    expect(() => createClientRef('short')).toThrow('clientRef: the secret must be at least 32 characters');
  });
});
