import { createHmac } from 'node:crypto';

/*
 * clientRef: the only way a client appears outside the message store. A keyed HMAC-SHA256 of the BSN
 * (a pseudonym, not a plain hash: without the secret nobody can test a guessed BSN against it), cut to
 * 128 bits and written in lowercase base32. Stable for as long as the secret is: changing
 * CLIENT_REF_SECRET gives every client a new ref, so it is not rotated like the payload keys.
 */

/** The secret needs at least this many characters (e.g. `openssl rand -base64 32` gives 44). */
export const clientRefSecretMinLength = 32;

/** `c_` + 26 base32 characters (128 bits). */
export const clientRefPattern = /^c_[a-z2-7]{26}$/;

const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
// The version tag lets a future scheme live beside this one without colliding with its refs.
const context = 'iwmo-flow/client-ref/v1\0';

function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += alphabet[(buffer << (5 - bits)) & 31];
  return out;
}

/** The client's reference for this BSN. The error never repeats the input: it may be a BSN. */
export function clientRef(bsn: string, secret: string): string {
  if (secret.length < clientRefSecretMinLength) {
    throw new Error(`clientRef: the secret must be at least ${clientRefSecretMinLength} characters`);
  }
  if (!/^[0-9]{9}$/.test(bsn)) throw new Error('clientRef: a BSN is exactly 9 digits');
  const mac = createHmac('sha256', secret).update(context).update(bsn).digest();
  return `c_${base32(mac.subarray(0, 16))}`;
}

/** Binds the secret once, so callers get `(bsn) => ref` and never hold the secret themselves. */
export function createClientRef(secret: string): (bsn: string) => string {
  clientRef('000000000', secret); // fail at start-up on a short secret, not at the first message
  return (bsn) => clientRef(bsn, secret);
}
