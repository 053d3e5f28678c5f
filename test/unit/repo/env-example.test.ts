import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../app/config';
import { repoRoot } from '../../../app/temporal-binaries';
import { createKeyring } from '../../../security';

/** Keeps .env.example true to the code: every variable it names parses with app/config.ts. */
function exampleEnv(): Record<string, string> {
  const text = readFileSync(join(repoRoot, '.env.example'), 'utf8');
  const entries = text
    .split('\n')
    .map((l) => l.replace(/^#\s*/, ''))
    .filter((l) => /^[A-Z_]+=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const);
  return Object.fromEntries(entries);
}

describe('.env.example', () => {
  it('parses, commented-out values included', () => {
    const config = loadConfig(exampleEnv());
    expect(config.API_KEYS[0]?.aanbieders).toEqual(['12345678']);
    expect(config.DATABASE_URL).toMatch(/^postgres:/);
    // The secured-cluster, role and observability settings are all there (commented out).
    expect(config).toMatchObject({
      TEMPORAL_TLS: true,
      TEMPORAL_TLS_CERT: '/etc/iwmo-flow/temporal-client.pem',
      TEMPORAL_TLS_KEY: '/etc/iwmo-flow/temporal-client.key',
      IWMO_ROLE_POLLER: true,
      LOG_FORMAT: 'json',
      METRICS_BIND_ADDRESS: '0.0.0.0:9464',
    });
    expect(createKeyring(config.PAYLOAD_KEYS ?? [], config.PAYLOAD_KEY_ID ?? '').activeKeyId).toBe('2026-11');
  });

  it('rejects a bad value naming the variable and the rule', () => {
    expect(() => loadConfig({ API_KEYS: '[{"id":"x","tokenSha256":"abc"}]' })).toThrow(
      /API_KEYS\.0\.tokenSha256: must be 64 lowercase hex chars/,
    );
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT:/);
  });
});
