import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../app/config';
import { temporalConnectionOptions } from '../../../app/temporal-connection';

/* The secured-cluster settings are checked together at start-up, each error naming its variable. */

const dir = mkdtempSync(join(tmpdir(), 'iwmo-tls-'));
const pem = (name: string) => {
  const path = join(dir, name);
  writeFileSync(path, `-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n`);
  return path;
};
const ca = pem('ca.pem');
const cert = pem('client.pem');
const key = pem('client.key');
const address = 'iwmo.a1b2c.tmprl.cloud:7233';
const options = (env: Record<string, string>) =>
  temporalConnectionOptions(loadConfig({ TEMPORAL_ADDRESS: address, ...env }), address);

describe('Temporal connection options', () => {
  it('plain gRPC without TLS settings', () => {
    expect(options({})).toEqual({ address, description: `${address} (plain gRPC)` });
  });

  it('mutual TLS with an own CA and a server name', () => {
    const o = options({
      TEMPORAL_TLS_CA: ca,
      TEMPORAL_TLS_CERT: cert,
      TEMPORAL_TLS_KEY: key,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });
    expect(o.tls).toMatchObject({ serverNameOverride: 'temporal.internal' });
    expect(typeof o.tls === 'object' && o.tls.clientCertPair?.key.toString()).toContain('BEGIN');
    expect(o.description).toBe(`${address} (mutual TLS, own CA)`);
  });

  it('an API key (Temporal Cloud) turns TLS on with the system CAs, and never appears in the description', () => {
    const o = options({ TEMPORAL_API_KEY: 'secret-api-key' });
    expect([o.tls, o.apiKey]).toEqual([true, 'secret-api-key']);
    expect(o.description).not.toContain('secret-api-key');
  });

  it('refuses a certificate without its key, and a key without its certificate', () => {
    expect(() => options({ TEMPORAL_TLS_CERT: cert })).toThrow(
      /TEMPORAL_TLS_KEY: required with TEMPORAL_TLS_CERT/,
    );
    expect(() => options({ TEMPORAL_TLS_KEY: key })).toThrow(
      /TEMPORAL_TLS_CERT: required with TEMPORAL_TLS_KEY/,
    );
  });

  it('names the variable and the path of a missing or non-PEM file', () => {
    expect(() => options({ TEMPORAL_TLS_CA: join(dir, 'nope.pem') })).toThrow(
      `TEMPORAL_TLS_CA: file ${join(dir, 'nope.pem')} does not exist`,
    );
    const notPem = join(dir, 'not.pem');
    writeFileSync(notPem, 'hello');
    expect(() => options({ TEMPORAL_TLS_CERT: notPem, TEMPORAL_TLS_KEY: key })).toThrow(
      `TEMPORAL_TLS_CERT: file ${notPem} is not PEM`,
    );
    expect(() => options({ TEMPORAL_TLS_CA: dir })).toThrow(`TEMPORAL_TLS_CA: file ${dir} cannot be read`);
  });

  it('refuses TLS settings for the embedded dev server and an API key with TEMPORAL_TLS=false', () => {
    expect(() => temporalConnectionOptions(loadConfig({ TEMPORAL_API_KEY: 'k' }), '')).toThrow(
      /need TEMPORAL_ADDRESS/,
    );
    expect(() => options({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' })).toThrow(/TEMPORAL_TLS: is false/);
    expect(() => loadConfig({ TEMPORAL_TLS: 'maybe' })).toThrow(/TEMPORAL_TLS: must be true or false/);
  });
});
