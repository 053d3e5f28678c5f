import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTestPki, readPair } from '../../simulator/certs';
import type { Scenario } from '../../simulator/scenario';
import { type Simulator, startSimulator } from '../../simulator/server';
import { createRestTransport, type RestTransport, vecozoEndpoints } from '../../transport/rest/client';
import { createTestDatabase } from './database';
import { createDevServerEnv, createTimeSkippingEnv, type TemporalTestEnv } from './temporal';

/*
 * What every messaging test starts from: a test PKI made at run time, the Temporal dev server (or the
 * time-skipping test server), its own PostgreSQL database (migrated) and the simulator over mutual TLS,
 * plus the aanbieder's client TLS settings for REST transports pointed at it. `stop` undoes it all.
 */

export interface SimulatorStack {
  env: TemporalTestEnv;
  testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  sim: Simulator;
  /** Client certificate, key and CA of the aanbieder, for `createRestTransport`. */
  tls: { cert: string; key: string; ca: string };
  /** A REST transport as the aanbieder, at the simulator; more can be made from `tls`. */
  transport(options?: { timeoutMs?: number; maxPayloadBytes?: number }): RestTransport;
  stop(): Promise<void>;
}

export async function startSimulatorStack(options: {
  prefix: string;
  aanbieder: string;
  scenario: Scenario;
  /** The simulator's clock (its timestamps: ontvangenOp, berichtstatusGewijzigdOp, dagtekening). */
  now?: () => Date;
  /** Which Temporal server: the dev server (default) or the time-skipping test server. */
  temporal?: 'dev' | 'time-skipping';
}): Promise<SimulatorStack> {
  const dir = await mkdtemp(join(tmpdir(), options.prefix));
  const pki = await generateTestPki({ dir, clients: [options.aanbieder] });
  const ca = await readFile(pki.caCert, 'utf8');
  const [env, testDb, sim] = await Promise.all([
    options.temporal === 'time-skipping' ? createTimeSkippingEnv() : createDevServerEnv(),
    createTestDatabase(),
    startSimulator({
      tls: { ...(await readPair(pki.server)), ca },
      scenario: options.scenario,
      ...(options.now ? { now: options.now } : {}),
    }),
  ]);
  await testDb.handle.migrate();
  const clientPair = pki.clients[options.aanbieder];
  if (!clientPair) throw new Error('no client certificate');
  const tls = { ...(await readPair(clientPair)), ca };
  const transports: RestTransport[] = [];
  return {
    env,
    testDb,
    sim,
    tls,
    transport: (extra = {}) => {
      const t = createRestTransport({ endpoints: vecozoEndpoints(sim.url), tls, ...extra });
      transports.push(t);
      return t;
    },
    async stop() {
      for (const t of transports) t.close();
      await sim.close();
      await testDb.drop();
      await env.teardown();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
