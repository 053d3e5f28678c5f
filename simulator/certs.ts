import { execFile } from 'node:child_process';
import { access, chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

/*
 * Test certificates for the simulator's mutual TLS, made at run time with the `openssl` CLI, so no key
 * is ever committed: a test CA, a server certificate for localhost/127.0.0.1, and one client certificate
 * per party, its CN the party's code (VECOZO issues a systeemcertificaat per AGB code; the simulator
 * reads the caller's mailbox from the CN). Keys are P-256 (fast to make), files 0600 in a 0700 folder.
 * Optionally a client signed by a second, untrusted CA, to prove the server checks the chain.
 */

const run = promisify(execFile);

export interface CertFiles {
  cert: string;
  key: string;
}

export interface TestPki {
  dir: string;
  /** The CA the server trusts for clients and the clients trust for the server. */
  caCert: string;
  server: CertFiles;
  /** By CN (party code, or 'simulator-admin'). */
  clients: Record<string, CertFiles>;
  /** A client with a valid-looking CN, signed by a CA nobody trusts. */
  untrusted?: CertFiles;
}

export interface PkiOptions {
  /** Folder for the files; created 0700. Use a temp folder or .data/ — never a committed path. */
  dir: string;
  /** Client CNs, e.g. ['42420001', 'simulator-admin']. */
  clients: string[];
  /** Extra server names (DNS) besides localhost and 127.0.0.1. */
  serverNames?: string[];
  days?: number;
  untrustedClient?: boolean;
}

const cnPattern = /^[A-Za-z0-9 ._-]{1,64}$/;

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args, { timeout: 30_000 });
  } catch (err) {
    const e = err as { stderr?: string; code?: string };
    if (e.code === 'ENOENT') throw new Error('the openssl CLI is needed for the simulator certificates');
    throw new Error(`openssl ${args[0]} failed: ${(e.stderr ?? String(err)).trim()}`);
  }
}

const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function makeCa(dir: string, name: string, cn: string, days: number): Promise<CertFiles> {
  const files = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  await openssl([
    'req',
    '-x509',
    ...newKey,
    '-keyout',
    files.key,
    '-out',
    files.cert,
    '-days',
    String(days),
    '-subj',
    `/O=iwmo-flow simulator/CN=${cn}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await chmod(files.key, 0o600);
  return files;
}

async function makeLeaf(
  dir: string,
  name: string,
  ca: CertFiles,
  cn: string,
  extensions: string,
  days: number,
): Promise<CertFiles> {
  const files = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  await openssl(['req', '-new', ...newKey, '-keyout', files.key, '-out', csr, '-subj', `/CN=${cn}`]);
  await chmod(files.key, 0o600);
  await writeFile(ext, extensions, { mode: 0o600 });
  const serial = `0x${Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('hex')}`;
  await openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-set_serial',
    serial,
    '-days',
    String(days),
    '-extfile',
    ext,
    '-out',
    files.cert,
  ]);
  await Promise.all([rm(csr), rm(ext)]);
  return files;
}

const leafBase = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n';

export async function generateTestPki(options: PkiOptions): Promise<TestPki> {
  const { dir, days = 7 } = options;
  for (const cn of options.clients) {
    if (!cnPattern.test(cn)) throw new Error(`client CN '${cn}' must be 1-64 of A-Z a-z 0-9 space . _ -`);
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const ca = await makeCa(dir, 'ca', 'iwmo-flow simulator test CA', days);
  const names = ['DNS:localhost', 'IP:127.0.0.1', ...(options.serverNames ?? []).map((n) => `DNS:${n}`)];
  const serverExt = `${leafBase}extendedKeyUsage=serverAuth\nsubjectAltName=${names.join(',')}\n`;
  const server = await makeLeaf(dir, 'server', ca, 'localhost', serverExt, days);
  const clientExt = `${leafBase}extendedKeyUsage=clientAuth\n`;
  const clients: Record<string, CertFiles> = {};
  for (const cn of options.clients) {
    clients[cn] = await makeLeaf(dir, `client-${cn.replace(/ /g, '_')}`, ca, cn, clientExt, days);
  }
  const pki: TestPki = { dir, caCert: ca.cert, server, clients };
  if (options.untrustedClient) {
    const rogue = await makeCa(dir, 'untrusted-ca', 'untrusted test CA', days);
    const cn = options.clients[0] ?? 'untrusted';
    pki.untrusted = await makeLeaf(dir, 'client-untrusted', rogue, cn, clientExt, days);
  }
  return pki;
}

/** PEM contents of a certificate + key pair, for node:https options. */
export async function readPair(files: CertFiles): Promise<{ cert: string; key: string }> {
  const [cert, key] = await Promise.all([readFile(files.cert, 'utf8'), readFile(files.key, 'utf8')]);
  return { cert, key };
}

/** The files generateTestPki would write for these options (without the untrusted client). */
export function pkiFiles(options: Pick<PkiOptions, 'dir' | 'clients'>): TestPki {
  const pair = (name: string) => ({
    cert: join(options.dir, `${name}.crt`),
    key: join(options.dir, `${name}.key`),
  });
  const clients = Object.fromEntries(
    options.clients.map((cn) => [cn, pair(`client-${cn.replace(/ /g, '_')}`)]),
  );
  return { dir: options.dir, caCert: join(options.dir, 'ca.crt'), server: pair('server'), clients };
}

/**
 * The certificates of an earlier run when they are all there (so a service configured with them keeps
 * working across simulator restarts), else a new set. Expiry is not checked: delete the folder to renew.
 */
export async function ensureTestPki(options: PkiOptions): Promise<TestPki> {
  const expected = pkiFiles(options);
  const paths = [expected.caCert, expected.server.cert, expected.server.key];
  for (const c of Object.values(expected.clients)) paths.push(c.cert, c.key);
  try {
    await Promise.all(paths.map((p) => access(p)));
    return expected;
  } catch {
    return generateTestPki(options);
  }
}
