import { createClientRef } from '../security/client-ref';
import { loadOrCreateDevSecrets } from '../security/dev-secrets';
import { createKeyring, type Keyring } from '../security/keyring';
import type { AppConfig } from './config';

/*
 * The service's secrets: the payload keyring and the clientRef secret. Configured ones win. Only the
 * embedded mode (no TEMPORAL_ADDRESS) may fall back to generated dev secrets: anywhere else a lost
 * generated key would make the histories unreadable and change every clientRef, so there start-up
 * stops and says what to set.
 */

export interface ServiceSecrets {
  keyring: Keyring;
  /** BSN → clientRef, with the secret bound in; the secret itself goes no further. */
  clientRef: (bsn: string) => string;
}

/** Resolves the secrets and logs where they came from (ids and file paths only, never a key). */
export function resolveSecrets(config: AppConfig, log: (msg: string) => void): ServiceSecrets {
  if (config.PAYLOAD_KEYS && !config.PAYLOAD_KEY_ID) {
    throw new Error('PAYLOAD_KEY_ID is required with PAYLOAD_KEYS: the id of the key that encrypts');
  }
  if (config.PAYLOAD_KEY_ID && !config.PAYLOAD_KEYS) {
    throw new Error('PAYLOAD_KEY_ID is set but PAYLOAD_KEYS is not: configure the keys too');
  }
  const missing = [
    ...(config.PAYLOAD_KEYS ? [] : ['PAYLOAD_KEYS/PAYLOAD_KEY_ID']),
    ...(config.CLIENT_REF_SECRET ? [] : ['CLIENT_REF_SECRET']),
  ];
  if (missing.length && config.TEMPORAL_ADDRESS) {
    throw new Error(
      `${missing.join(' and ')} must be configured when TEMPORAL_ADDRESS is set; generated dev secrets are for the embedded dev server only (see .env.example)`,
    );
  }
  const dev = missing.length ? loadOrCreateDevSecrets(config.DEV_SECRETS_FILE) : undefined;
  if (dev) {
    const how = dev.created ? 'generated' : 'reused';
    log(`dev secrets for ${missing.join(' and ')}: ${how} ${config.DEV_SECRETS_FILE} (mode 0600)`);
  }

  const keyring =
    config.PAYLOAD_KEYS && config.PAYLOAD_KEY_ID
      ? createKeyring(config.PAYLOAD_KEYS, config.PAYLOAD_KEY_ID)
      : createKeyring(dev?.secrets.payloadKeys ?? [], dev?.secrets.activeKeyId ?? '');
  log(
    `payload encryption: AES-256-GCM, active key "${keyring.activeKeyId}", ${keyring.keyIds.length} key(s)`,
  );
  const clientRef = createClientRef(config.CLIENT_REF_SECRET ?? dev?.secrets.clientRefSecret ?? '');
  return { keyring, clientRef };
}
