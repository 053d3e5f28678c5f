import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../app/config';
import { resolveSecrets } from '../../../app/secrets';
import { clientRef, loadOrCreateDevSecrets } from '../../../security';

/*
 * Where the service's secrets come from: configuration first; generated dev secrets (0600 file under
 * .data/) only for the embedded dev server; elsewhere a clear refusal. No log line carries a key.
 */

const root = mkdtempSync(join(tmpdir(), 'iwmo-secrets-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshFile = () => join(root, `case-${++n}`, 'dev-secrets.json');

function resolve(env: Record<string, string>) {
  const lines: string[] = [];
  const secrets = resolveSecrets(loadConfig(env), (l) => lines.push(l));
  return { secrets, lines };
}

describe('loadOrCreateDevSecrets', () => {
  it('creates a 0600 file once and reuses it', () => {
    const file = freshFile();
    const first = loadOrCreateDevSecrets(file);
    expect(first.created).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = loadOrCreateDevSecrets(file);
    expect(again).toEqual({ secrets: first.secrets, created: false });
    expect(Buffer.from(first.secrets.payloadKeys[0]?.key ?? '', 'base64')).toHaveLength(32);
  });

  it('refuses a file others can read, and a broken one without quoting it', () => {
    const file = freshFile();
    const { secrets } = loadOrCreateDevSecrets(file);
    chmodSync(file, 0o644);
    expect(() => loadOrCreateDevSecrets(file)).toThrow(/readable by others \(mode 644\); run chmod 600/);
    writeFileSync(file, `{"clientRefSecret": "${secrets.clientRefSecret}"`, { mode: 0o600 });
    chmodSync(file, 0o600);
    let message = '';
    try {
      loadOrCreateDevSecrets(file);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/is not valid JSON; delete it/);
    expect(message).not.toContain(secrets.clientRefSecret);
  });
});

describe('resolveSecrets', () => {
  const key = randomBytes(32).toString('base64');
  const configured = {
    PAYLOAD_KEYS: JSON.stringify([{ id: 'prod-1', key }]),
    PAYLOAD_KEY_ID: 'prod-1',
    CLIENT_REF_SECRET: 'a-configured-secret-of-at-least-32-chars',
  };

  it('uses configured secrets and writes no dev file', () => {
    const file = freshFile();
    const { secrets, lines } = resolve({ ...configured, DEV_SECRETS_FILE: file, TEMPORAL_ADDRESS: 'x:7233' });
    expect(secrets.keyring.activeKeyId).toBe('prod-1');
    expect(secrets.clientRef('999993653')).toBe(clientRef('999993653', configured.CLIENT_REF_SECRET));
    expect(() => statSync(file)).toThrow(/ENOENT/);
    expect(lines).toEqual(['payload encryption: AES-256-GCM, active key "prod-1", 1 key(s)']);
  });

  it('generates dev secrets in embedded mode, says so, and never logs them', () => {
    const file = freshFile();
    const { secrets, lines } = resolve({ DEV_SECRETS_FILE: file });
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    expect(secrets.keyring.activeKeyId).toBe(stored.activeKeyId);
    expect(secrets.clientRef('999993653')).toBe(clientRef('999993653', stored.clientRefSecret));
    expect(lines[0]).toBe(
      `dev secrets for PAYLOAD_KEYS/PAYLOAD_KEY_ID and CLIENT_REF_SECRET: generated ${file} (mode 0600)`,
    );
    expect(resolve({ DEV_SECRETS_FILE: file }).lines[0]).toMatch(/: reused /);
    for (const line of lines) {
      expect(line).not.toContain(stored.payloadKeys[0].key);
      expect(line).not.toContain(stored.clientRefSecret);
    }
  });

  it('takes only the missing part from the dev file', () => {
    const { CLIENT_REF_SECRET: _, ...keysOnly } = configured;
    const { secrets, lines } = resolve({ ...keysOnly, DEV_SECRETS_FILE: freshFile() });
    expect(secrets.keyring.activeKeyId).toBe('prod-1');
    expect(lines[0]).toMatch(/^dev secrets for CLIENT_REF_SECRET: generated/);
  });

  it('refuses to generate secrets against an external Temporal, naming what to set', () => {
    expect(() => resolve({ TEMPORAL_ADDRESS: 'temporal:7233', DEV_SECRETS_FILE: freshFile() })).toThrow(
      'PAYLOAD_KEYS/PAYLOAD_KEY_ID and CLIENT_REF_SECRET must be configured when TEMPORAL_ADDRESS is set',
    );
    const { CLIENT_REF_SECRET: _, ...keysOnly } = configured;
    expect(() => resolve({ ...keysOnly, TEMPORAL_ADDRESS: 'temporal:7233' })).toThrow(
      /^CLIENT_REF_SECRET must be configured/,
    );
  });

  it('refuses keys without an active id, or an active id without keys', () => {
    expect(() => resolve({ ...configured, PAYLOAD_KEY_ID: '' })).toThrow(
      'PAYLOAD_KEY_ID is required with PAYLOAD_KEYS',
    );
    expect(() => resolve({ ...configured, PAYLOAD_KEY_ID: 'prod-2' })).toThrow(
      'active payload key id "prod-2" is not among the keys (prod-1)',
    );
    expect(() => resolve({ PAYLOAD_KEY_ID: 'prod-1' })).toThrow(
      'PAYLOAD_KEY_ID is set but PAYLOAD_KEYS is not',
    );
  });

  it('rejects a bad key or secret at configuration, naming the variable and never the value', () => {
    const short = randomBytes(16).toString('base64');
    let message = '';
    try {
      loadConfig({ PAYLOAD_KEYS: JSON.stringify([{ id: 'k', key: short }]), CLIENT_REF_SECRET: 'short' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/PAYLOAD_KEYS\.0\.key: must be 32 bytes/);
    expect(message).toMatch(/CLIENT_REF_SECRET: must be at least 32 characters/);
    expect(message).not.toContain(short);
    expect(() => loadConfig({ TEMPORAL_UI_ORIGIN: 'http://localhost:8233/' })).toThrow(
      /TEMPORAL_UI_ORIGIN\.0: an origin is scheme:\/\/host\[:port\]/,
    );
    expect(loadConfig({ CODEC_KEY_IDS: 'ops-1, ops-2,' }).CODEC_KEY_IDS).toEqual(['ops-1', 'ops-2']);
  });
});
