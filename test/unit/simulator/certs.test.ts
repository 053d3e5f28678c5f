import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestPki, generateTestPki, type TestPki } from '../../../simulator/certs';

let dir: string;
let pki: TestPki;
const cert = async (path: string) => new X509Certificate(await readFile(path));

beforeAll(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'iwmo-pki-')), 'certs');
  pki = await generateTestPki({ dir, clients: ['42420001', 'simulator-admin'], untrustedClient: true });
});
afterAll(() => rm(join(dir, '..'), { recursive: true, force: true }));

describe('test certificates (openssl)', () => {
  it('a CA, a server certificate for localhost and 127.0.0.1, and client certificates named by CN', async () => {
    const ca = await cert(pki.caCert);
    const server = await cert(pki.server.cert);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    const client = await cert(pki.clients['42420001']?.cert as string);
    expect(client.subject).toBe('CN=42420001');
    expect(client.verify(ca.publicKey)).toBe(true);
    expect(client.keyUsage).toContain('1.3.6.1.5.5.7.3.2'); // clientAuth
    const untrusted = await cert(pki.untrusted?.cert as string);
    expect(untrusted.verify(ca.publicKey)).toBe(false);
  });

  it('keys are 0600 in a 0700 folder', async () => {
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    for (const key of [pki.server.key, pki.clients['42420001']?.key as string]) {
      expect((await stat(key)).mode & 0o777).toBe(0o600);
    }
  });

  it('ensureTestPki reuses a complete set and makes a new one when a file is missing', async () => {
    const options = { dir, clients: ['42420001', 'simulator-admin'] };
    const before = await readFile(pki.caCert, 'utf8');
    await ensureTestPki(options);
    expect(await readFile(pki.caCert, 'utf8')).toBe(before);
    await unlink(pki.clients['simulator-admin']?.key as string);
    const renewed = await ensureTestPki(options);
    expect(await readFile(renewed.caCert, 'utf8')).not.toBe(before);
    expect((await stat(renewed.clients['simulator-admin']?.key as string)).isFile()).toBe(true);
  });

  it('refuses a CN that could break the subject', async () => {
    await expect(generateTestPki({ dir, clients: ['a/CN=b'] })).rejects.toThrow(
      /client CN 'a\/CN=b' must be/,
    );
  });
});
