import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { describeIssues } from '../transport/metadata';
import { adminCn } from './app';
import { ensureTestPki } from './certs';
import { loadScenario } from './scenario';
import { startSimulator } from './server';

/*
 * `npm run simulator [-- scenario.json]`: VECOZO and a gemeente on https://127.0.0.1:8443 with mutual
 * TLS. Certificates are made with openssl into SIMULATOR_DIR/certs on the first run and reused after,
 * so a service configured with them keeps working when the simulator restarts. Mailboxes are in memory;
 * the numbering and the issued scenarios are kept in SIMULATOR_DIR/simulator-state.json (state.ts).
 */

/** The checkout this file is in: the defaults below live under it, as the service's do (app/config.ts). */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const envSchema = z.object({
  SIMULATOR_HOST: z.string().default('127.0.0.1'),
  SIMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(8443),
  SIMULATOR_DIR: z.string().default(join(repoRoot, '.data', 'simulator')),
  SIMULATOR_SCENARIO: z.string().default(join(repoRoot, 'simulator', 'scenarios', 'happy.json')),
});

const log = (line: string) => console.log(`[simulator] ${line}`);

async function main(): Promise<void> {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) throw new Error(`invalid configuration: ${describeIssues(parsed.error)}`);
  const env = parsed.data;
  const scenario = loadScenario(process.argv[2] ?? env.SIMULATOR_SCENARIO);
  const pki = await ensureTestPki({
    dir: join(env.SIMULATOR_DIR, 'certs'),
    clients: [scenario.aanbieder, adminCn],
    days: 365,
  });
  const [cert, key, ca] = await Promise.all([
    readFile(pki.server.cert, 'utf8'),
    readFile(pki.server.key, 'utf8'),
    readFile(pki.caCert, 'utf8'),
  ]);
  const sim = await startSimulator({
    tls: { cert, key, ca },
    scenario,
    host: env.SIMULATOR_HOST,
    port: env.SIMULATOR_PORT,
    log,
    stateDir: env.SIMULATOR_DIR,
  });
  const client = pki.clients[scenario.aanbieder];
  const admin = pki.clients[adminCn];
  log(`scenario '${scenario.name}': gemeente ${scenario.gemeente}, aanbieder ${scenario.aanbieder}`);
  log(`listening on ${sim.url} (mutual TLS; root for the REST transport)`);
  log(`CA ${pki.caCert}`);
  log(`client certificate of ${scenario.aanbieder}: ${client?.cert} key ${client?.key}`);
  log(`admin: curl --cacert ${pki.caCert} --cert ${admin?.cert} --key ${admin?.key} ${sim.url}/admin/state`);

  const stop = async () => {
    log('stopping');
    await sim.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error(`[simulator] ${(err as Error).message}`);
  process.exit(1);
});
