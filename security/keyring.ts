/*
 * The payload keyring: every AES-256 key the service may decrypt with, and the one it encrypts with.
 * Rotation = add a new key, make it active, keep the old ones for as long as histories encrypted with
 * them exist. Key material never appears in an error message or a log line; key ids do.
 */

/** Key ids travel in payload metadata and log lines, so they are short, plain and not secret. */
export const keyIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

/** AES-256 needs exactly 32 bytes of key. */
export const keyBytes = 32;

export interface PayloadKeyInput {
  id: string;
  /** base64 of 32 random bytes, e.g. `openssl rand -base64 32` */
  key: string;
}

export interface Keyring {
  /** The key new payloads are encrypted with. */
  readonly activeKeyId: string;
  /** The key with this id, or undefined when the keyring does not hold it. */
  key(id: string): Buffer | undefined;
  /** Every id the keyring can decrypt, active first. */
  readonly keyIds: readonly string[];
}

export class KeyringError extends Error {
  override name = 'KeyringError';
}

function decodeKey(input: PayloadKeyInput): Buffer {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(input.key)) {
    throw new KeyringError(`payload key "${input.id}": key must be base64 (openssl rand -base64 32)`);
  }
  const key = Buffer.from(input.key, 'base64');
  if (key.length !== keyBytes) {
    throw new KeyringError(
      `payload key "${input.id}": key must be ${keyBytes} bytes for AES-256, got ${key.length}`,
    );
  }
  return key;
}

/** Builds a keyring; refuses bad ids, bad key lengths, duplicates and an active id it does not hold. */
export function createKeyring(keys: readonly PayloadKeyInput[], activeKeyId: string): Keyring {
  const byId = new Map<string, Buffer>();
  for (const input of keys) {
    if (!keyIdPattern.test(input.id)) {
      throw new KeyringError(`payload key id "${input.id}" must match ${keyIdPattern.source}`);
    }
    if (byId.has(input.id)) throw new KeyringError(`payload key id "${input.id}" appears twice`);
    byId.set(input.id, decodeKey(input));
  }
  if (!byId.has(activeKeyId)) {
    throw new KeyringError(
      `active payload key id "${activeKeyId}" is not among the keys (${[...byId.keys()].join(', ') || 'none'})`,
    );
  }
  const keyIds = [activeKeyId, ...[...byId.keys()].filter((id) => id !== activeKeyId)];
  return { activeKeyId, keyIds, key: (id) => byId.get(id) };
}
