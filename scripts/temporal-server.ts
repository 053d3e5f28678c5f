import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import postgres from 'postgres';
import type { ChildExit } from '../app/dev-server';
import { ensureSearchAttributes } from '../app/search-attributes';
import {
  type Ports,
  type ServiceName,
  type ServiceProcess,
  serverEnv,
  serviceNames,
  serviceProcess,
} from './temporal-server-process';
import {
  type Databases,
  distinctFreePorts,
  pgTarget,
  registerNamespace,
  setupSchemas,
  temporalServerVersion,
  untilNamespaceServed,
} from './temporal-server-setup';

/*
 * The full Temporal server (go.temporal.io/server) on PostgreSQL: schema set-up with temporal-sql-tool,
 * then frontend, history, matching and worker as four processes of their own, as they would run on four
 * machines, from the project's config/temporal-server/config.yaml.tmpl. Binaries and schemas come
 * from `scripts/tools.sh temporal-server`. Used by test/support/temporal.ts and runnable on its own:
 *
 *   npx tsx scripts/temporal-server.ts postgres://postgres@127.0.0.1:5432/postgres
 *
 * Around it: scripts/temporal-server-setup.ts (binaries, schemas, ports, namespace) and
 * scripts/temporal-server-process.ts (one service as a process).
 */

export { type ServiceName, type ServiceProcess, serviceNames } from './temporal-server-process';
export type { Databases } from './temporal-server-setup';
export { setupSchemas, temporalServerHome, temporalServerVersion } from './temporal-server-setup';

const stopOrder: readonly ServiceName[] = ['worker', 'frontend', 'matching', 'history'];

export interface FullServerOptions {
  /** A PostgreSQL URL whose role may create databases; its database part is ignored. */
  postgresUrl: string;
  /** Created when missing, schema brought to the module's latest; default: fresh names per call. */
  databases?: Databases;
  namespace?: string;
  /** Fixed for the life of the databases. */
  historyShards?: number;
  /** Where each service's log goes (`<service>.log`); default: a new folder in the temp folder. */
  logDir?: string;
  /** How long stop() waits after SIGTERM before SIGKILL. */
  stopGraceMs?: number;
}

export interface FullServer {
  /** Frontend gRPC address, host:port. */
  address: string;
  namespace: string;
  databases: Databases;
  services: Record<ServiceName, ServiceProcess>;
  logDir: string;
  /** Stops every service (SIGTERM, SIGKILL after the grace period); databases stay (dropDatabases). */
  stop(): Promise<Record<ServiceName, ChildExit>>;
  dropDatabases(): Promise<void>;
}

/**
 * Sets up the schemas, starts the four services on free loopback ports, registers the namespace and our
 * custom search attributes (app/search-attributes.ts, the list the service itself ensures). On any
 * failure the services started so far are stopped before the error is thrown.
 */
export async function startFullServer(opts: FullServerOptions): Promise<FullServer> {
  const suffix = randomBytes(4).toString('hex');
  const databases = opts.databases ?? {
    temporal: `temporal_${suffix}`,
    visibility: `temporal_visibility_${suffix}`,
  };
  const namespace = opts.namespace ?? 'default';
  const logDir = opts.logDir ?? mkdtempSync(join(tmpdir(), 'iwmo-temporal-server-'));
  const pg = pgTarget(opts.postgresUrl);
  await setupSchemas(opts.postgresUrl, databases);

  const [http = 0, ...free] = await distinctFreePorts(1 + 2 * serviceNames.length);
  const ports = {} as Record<ServiceName, Ports>;
  for (const [i, name] of serviceNames.entries())
    ports[name] = { grpc: free[2 * i] as number, membership: free[2 * i + 1] as number };
  const env = serverEnv(pg, databases, opts.historyShards ?? 4, ports, http);
  const graceMs = opts.stopGraceMs ?? 10_000;
  const services = {} as Record<ServiceName, ServiceProcess & { started: Promise<void> }>;
  // In dependency order: the worker service's system workers poll the frontend, history goes last
  // (it owns the shards).
  const stop = async () => {
    const exits = {} as Record<ServiceName, ChildExit>;
    for (const name of stopOrder) {
      const service = services[name];
      if (service) exits[name] = await service.stop();
    }
    return exits;
  };
  const address = `127.0.0.1:${ports.frontend.grpc}`;
  try {
    // One service first: on fresh databases each service writes the cluster metadata when it starts,
    // and two doing so at once fail with "failed to initialize current cluster metadata" (seen under load).
    const [first, ...rest] = serviceNames;
    services[first] = serviceProcess(first, ports[first].grpc, env, logDir, graceMs);
    await services[first].started;
    for (const name of rest) services[name] = serviceProcess(name, ports[name].grpc, env, logDir, graceMs);
    await Promise.all(Object.values(services).map((s) => s.started));
    await registerNamespace(address, namespace);
    const connection = await Connection.connect({ address });
    try {
      await untilNamespaceServed(connection, namespace);
      await ensureSearchAttributes(connection, namespace);
    } finally {
      await connection.close();
    }
  } catch (err) {
    await Promise.allSettled(Object.values(services).map((s) => s.stop()));
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`${message} (service logs in ${logDir})`, { cause: err });
  }
  return {
    address,
    namespace,
    databases,
    services,
    logDir,
    stop,
    async dropDatabases() {
      const sql = postgres(opts.postgresUrl, { max: 1, onnotice: () => {} });
      try {
        for (const db of [databases.temporal, databases.visibility])
          await sql.unsafe(`drop database if exists "${db}" with (force)`);
      } finally {
        await sql.end();
      }
    },
  };
}

/** Foreground run for a person or a script: prints the address, stops on Ctrl-C or SIGTERM. */
async function main(): Promise<void> {
  const url = process.argv[2] ?? process.env.TEMPORAL_POSTGRES_URL;
  if (!url)
    throw new Error('usage: tsx scripts/temporal-server.ts <postgres-url> (or TEMPORAL_POSTGRES_URL)');
  // Handlers first: a signal without a listener kills Node at once and orphans the services.
  let signalled = false;
  let server: FullServer | undefined;
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.on(sig, () => {
      signalled = true;
      void server?.stop();
    });
  server = await startFullServer({
    postgresUrl: url,
    databases: { temporal: 'temporal', visibility: 'temporal_visibility' },
    logDir: process.env.TEMPORAL_SERVER_LOG_DIR,
  });
  if (!signalled) {
    console.log(`Temporal server ${temporalServerVersion} at ${server.address} (logs in ${server.logDir})`);
    await Promise.race(Object.values(server.services).map((s) => s.exited));
  }
  await server.stop();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
