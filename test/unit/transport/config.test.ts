import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTransport, parseTransportEnv } from '../../../transport';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iwmo-transport-config-'));
  // Not a real key pair: loadTransport reads the files; the TLS handshake (not run here) would check them.
  await writeFile(join(dir, 'client.crt'), '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');
  await writeFile(join(dir, 'client.key'), '-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('transport configuration', () => {
  it('no transport unless one is chosen', async () => {
    expect(parseTransportEnv({}).TRANSPORT).toBe('none');
    expect(await loadTransport({})).toBeUndefined();
  });

  it('vecozo needs an https URL and the client certificate, and says which variable is missing', () => {
    expect(() => parseTransportEnv({ TRANSPORT: 'vecozo' })).toThrow(
      /VECOZO_URL: required with TRANSPORT=vecozo; VECOZO_CLIENT_CERT: required with TRANSPORT=vecozo \(mutual TLS\)/,
    );
    const env = { TRANSPORT: 'vecozo', VECOZO_CLIENT_CERT: 'a', VECOZO_CLIENT_KEY: 'b' };
    expect(() => parseTransportEnv({ ...env, VECOZO_URL: 'http://x.example' })).toThrow(
      'VECOZO_URL: must be an https URL',
    );
    expect(() => parseTransportEnv({ TRANSPORT: 'ftp' })).toThrow(/TRANSPORT: /);
  });

  it('a certificate file that cannot be read is named with its variable', async () => {
    const env = {
      TRANSPORT: 'vecozo',
      VECOZO_URL: 'https://sim.example',
      VECOZO_CLIENT_CERT: join(dir, 'client.crt'),
      VECOZO_CLIENT_KEY: join(dir, 'missing.key'),
    };
    await expect(loadTransport(env)).rejects.toThrow(
      /^VECOZO_CLIENT_KEY: cannot read .*missing\.key \(ENOENT\)$/,
    );
  });

  it('builds the chosen transport', async () => {
    const rest = await loadTransport({
      TRANSPORT: 'vecozo',
      VECOZO_URL: 'https://sim.example',
      VECOZO_CLIENT_CERT: join(dir, 'client.crt'),
      VECOZO_CLIENT_KEY: join(dir, 'client.key'),
    });
    expect(rest?.name).toBe('vecozo');
    (rest as { close?: () => void }).close?.();
    expect(() => parseTransportEnv({ TRANSPORT: 'drop-folder' })).toThrow(/DROP_FOLDER_DIR: required/);
    const folder = await loadTransport({ TRANSPORT: 'drop-folder', DROP_FOLDER_DIR: join(dir, 'drop') });
    expect(folder?.name).toBe('drop-folder');
  });
});
