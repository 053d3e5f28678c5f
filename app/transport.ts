import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { adminCn } from '../simulator/app';
import { ensureTestPki, readPair } from '../simulator/certs';
import { loadScenario } from '../simulator/scenario';
import { type Simulator, startSimulator } from '../simulator/server';
import { loadTransport } from '../transport/config';
import { createRestTransport, vecozoEndpoints } from '../transport/rest/client';
import type { Transport } from '../transport/types';
import type { AppConfig } from './config';

/*
 * The transport `npm start` uses. TRANSPORT=vecozo or drop-folder: the configured one
 * (transport/config.ts). Unset (= 'simulator'): the simulator runs in this process on a free loopback
 * port as VECOZO and a gemeente, with test certificates made at run time, and the REST client talks to
 * it over mutual TLS exactly as it would to VECOZO — so a fresh checkout shows 301s arriving, answered
 * with 302s, and 305/307s answered with 306/308s. TRANSPORT=none: no transport.
 */

export interface AppTransport {
  transport: Transport;
  /** What to log about it: names and codes only. */
  description: string;
  stop(): Promise<void>;
  /** The in-process simulator, when that is the counterparty. */
  simulator?: Simulator;
}

export async function startTransport(
  config: AppConfig,
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = (line) => console.log(`[simulator] ${line}`),
): Promise<AppTransport | undefined> {
  if (config.TRANSPORT === 'none') return undefined;
  if (config.TRANSPORT === 'simulator') return startEmbeddedSimulator(config, log);
  const transport = await loadTransport({ ...env, TRANSPORT: config.TRANSPORT });
  if (!transport) return undefined;
  const where = config.TRANSPORT === 'vecozo' ? config.VECOZO_URL : config.DROP_FOLDER_DIR;
  const close = (transport as { close?: () => void }).close?.bind(transport);
  return { transport, description: `${config.TRANSPORT} at ${where}`, stop: async () => close?.() };
}

async function startEmbeddedSimulator(config: AppConfig, log: (line: string) => void): Promise<AppTransport> {
  const scenario = { ...loadScenario(config.SIMULATOR_SCENARIO), aanbieder: config.SIMULATOR_AANBIEDER };
  const pki = await ensureTestPki({
    dir: join(config.SIMULATOR_DIR, 'certs'),
    clients: [scenario.aanbieder, adminCn],
    days: 365,
  });
  const ca = await readFile(pki.caCert, 'utf8');
  const simulator = await startSimulator({
    tls: { ...(await readPair(pki.server)), ca },
    scenario,
    host: '127.0.0.1',
    port: 0,
    log,
    stateDir: config.SIMULATOR_DIR,
  });
  const client = pki.clients[scenario.aanbieder];
  if (!client) throw new Error(`no simulator client certificate for ${scenario.aanbieder}`);
  const transport = createRestTransport({
    endpoints: vecozoEndpoints(simulator.url),
    tls: { ...(await readPair(client)), ca },
  });
  return {
    transport,
    simulator,
    description:
      `simulator '${scenario.name}' at ${simulator.url} (gemeente ${scenario.gemeente}, ` +
      `aanbieder ${scenario.aanbieder}; set TRANSPORT to use a real endpoint)`,
    async stop() {
      transport.close();
      await simulator.close();
    },
  };
}
