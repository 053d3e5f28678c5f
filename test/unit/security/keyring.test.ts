import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createKeyring, KeyringError } from '../../../security';

const b64 = (n: number) => randomBytes(n).toString('base64');

describe('createKeyring', () => {
  it('holds every key, the active one first', () => {
    const old = { id: 'k-2025', key: b64(32) };
    const current = { id: 'k-2026', key: b64(32) };
    const ring = createKeyring([old, current], 'k-2026');
    expect(ring.activeKeyId).toBe('k-2026');
    expect(ring.keyIds).toEqual(['k-2026', 'k-2025']);
    expect(ring.key('k-2025')?.equals(Buffer.from(old.key, 'base64'))).toBe(true);
    expect(ring.key('k-1999')).toBeUndefined();
  });

  it.each([
    ['a 16-byte key', [{ id: 'k1', key: b64(16) }], 'k1', /"k1": key must be 32 bytes for AES-256, got 16/],
    ['a key that is not base64', [{ id: 'k1', key: 'not base64!' }], 'k1', /"k1": key must be base64/],
    ['a key id with a space', [{ id: 'k 1', key: b64(32) }], 'k 1', /key id "k 1" must match/],
    [
      'a key id twice',
      [
        { id: 'k1', key: b64(32) },
        { id: 'k1', key: b64(32) },
      ],
      'k1',
      /"k1" appears twice/,
    ],
    [
      'an active id it does not hold',
      [{ id: 'k1', key: b64(32) }],
      'k2',
      /active payload key id "k2" is not among the keys \(k1\)/,
    ],
    ['no keys at all', [], 'k1', /"k1" is not among the keys \(none\)/],
  ])('refuses %s, naming the rule and never the key', (_, keys, active, message) => {
    let caught: unknown;
    try {
      createKeyring(keys, active);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(KeyringError);
    expect((caught as Error).message).toMatch(message);
    for (const k of keys) expect((caught as Error).message).not.toContain(k.key);
  });
});
