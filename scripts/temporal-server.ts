import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import postgres from 'postgres';
import { type ChildExit, childExit, describeExit, stopProcess } from '../app/dev-server';
import { holdsListeningPort } from '../app/ports';
import { ensureSearchAttributes } from '../app/search-attributes';
import { repoRoot, temporalCliPath } from '../app/temporal-binaries';

/*
 * The full Temporal server (go.temporal.io/server) on PostgreSQL: schema set-up with temporal-sql-tool,
 * then frontend, history, matching and worker as four processes of their own, as they would run on four
 * machines, from the project's config/temporal-server/config.yaml.tmpl. Binaries and schemas come
 * from `scripts/tools.sh temporal-server`. Used by test/support/temporal.ts and runnable on its own:
 *
 *   npx tsx scripts/temporal-server.ts postgres://postgres@127.0.0.1:5432/postgres
 */

/** The server the Temporal CLI's dev server embeds (CLI 1.9.1); scripts/tools.sh pins the same. */
export const temporalServerVersion = '1.32.0';

export const serviceNames = ['frontend', 'history', 'matching', 'worker'] as const;
export type ServiceName = (typeof serviceNames)[number];
const stopOrder: readonly ServiceName[] = ['worker', 'frontend', 'matching', 'history'];

const configFile = join(repoRoot, 'config', 'temporal-server', 'config.yaml.tmpl');
const dynamicConfigFile = join(repoRoot, 'config', 'temporal-server', 'dynamicconfig.yaml');
const run = promisify(execFile);

/** TEMPORAL_SERVER_HOME (same layout), else what tools.sh built: .tools/temporal-server/<version>. */
export function temporalServerHome(): string {
  const home =
    process.env.TEMPORAL_SERVER_HOME ?? join(repoRoot, '.tools', 'temporal-server', temporalServerVersion);
  if (!existsSync(join(home, 'bin', 'temporal-server'))) {
    throw new Error(
      `the full Temporal server is not in ${home}: run \`bash scripts/tools.sh temporal-server\` ` +
        '(or set TEMPORAL_SERVER_HOME)',
    );
  }
  return home;
}

export interface Databases {
  temporal: string;
  visibility: string;
}

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

export interface ServiceProcess {
  readonly name: ServiceName;
  /** The current process's id (a restart changes it). */
  readonly pid: number;
  /** Settles when the current process exits. */
  readonly exited: Promise<ChildExit>;
  /** gRPC port: the process counts as up when it holds it. */
  readonly port: number;
  /** Sends a signal to the current process, e.g. SIGKILL to simulate a crashed machine. */
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after the grace period. */
  stop(): Promise<ChildExit>;
  /** Starts the service again (after a kill or stop) on the same ports, and waits until it listens. */
  restart(): Promise<void>;
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

interface PgTarget {
  host: string;
  port: string;
  user: string;
  password: string;
}

function pgTarget(url: string): PgTarget {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port || '5432',
    user: decodeURIComponent(u.username) || 'postgres',
    password: decodeURIComponent(u.password),
  };
}

/**
 * Creates the database when missing and runs the module's versioned schema scripts: setup-schema -v 0.0
 * then update-schema to the latest. Idempotent. The password goes in SQL_PASSWORD, never on a command line.
 */
async function setupSchema(home: string, pg: PgTarget, db: string, schema: 'temporal' | 'visibility') {
  const tool = join(home, 'bin', 'temporal-sql-tool');
  const base = ['--plugin', 'postgres12', '--ep', pg.host, '-p', pg.port, '-u', pg.user, '--db', db];
  const env = { ...process.env, SQL_PASSWORD: pg.password };
  const versioned = join(home, 'schema', 'postgresql', 'v12', schema, 'versioned');
  const steps = [['create-database'], ['setup-schema', '-v', '0.0'], ['update-schema', '-d', versioned]];
  for (const step of steps) {
    try {
      await run(tool, [...base, ...step], { env });
    } catch (err) {
      const out = (err as { stderr?: string }).stderr ?? '';
      // create-database on an existing database is the idempotent case, not an error.
      if (step[0] === 'create-database' && /already exists/.test(out)) continue;
      throw new Error(
        `temporal-sql-tool ${step[0]} on ${db} failed: ${out.trim().split('\n').slice(-3).join(' ')}`,
      );
    }
  }
}

export async function setupSchemas(postgresUrl: string, databases: Databases): Promise<void> {
  const home = temporalServerHome();
  const pg = pgTarget(postgresUrl);
  await setupSchema(home, pg, databases.temporal, 'temporal');
  await setupSchema(home, pg, databases.visibility, 'visibility');
}

/**
 * A free loopback port below 32768: the server stores its membership ports in a smallint column
 * (cluster_membership.rpc_port), so the kernel's ephemeral range (from 32768 up) cannot be used.
 */
async function freeLowPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = 10_000 + Math.floor(Math.random() * 22_000);
    if (taken.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

async function distinctFreePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freeLowPort(ports));
  return [...ports];
}

interface Ports {
  grpc: number;
  membership: number;
}

/** The config template's environment (config/temporal-server/config.yaml.tmpl names each variable). */
function serverEnv(
  pg: PgTarget,
  dbs: Databases,
  shards: number,
  ports: Record<ServiceName, Ports>,
  http: number,
) {
  const env: Record<string, string> = {
    TEMPORAL_PG_ADDRESS: `${pg.host}:${pg.port}`,
    TEMPORAL_PG_USER: pg.user,
    TEMPORAL_PG_PASSWORD: pg.password,
    TEMPORAL_DB: dbs.temporal,
    TEMPORAL_VISIBILITY_DB: dbs.visibility,
    TEMPORAL_HISTORY_SHARDS: String(shards),
    TEMPORAL_BIND_IP: '127.0.0.1',
    TEMPORAL_FRONTEND_HTTP_PORT: String(http),
    TEMPORAL_DYNAMIC_CONFIG: dynamicConfigFile,
  };
  for (const name of serviceNames) {
    env[`TEMPORAL_${name.toUpperCase()}_PORT`] = String(ports[name].grpc);
    env[`TEMPORAL_${name.toUpperCase()}_MEMBERSHIP_PORT`] = String(ports[name].membership);
  }
  return env;
}

const startTimeoutMs = 60_000;

function logTail(file: string): string {
  try {
    const lines = readFileSync(file, 'utf8').trim().split('\n').slice(-3);
    return lines.map((l) => l.slice(0, 400)).join('\n');
  } catch {
    return '';
  }
}

/** One service as a process of its own; restart() brings the same service back on the same ports. */
function serviceProcess(
  name: ServiceName,
  port: number,
  env: Record<string, string>,
  logDir: string,
  graceMs: number,
): ServiceProcess & { started: Promise<void> } {
  const server = join(temporalServerHome(), 'bin', 'temporal-server');
  const args = ['--config-file', configFile, '--allow-no-auth', 'start', '--service', name];
  const log = join(logDir, `${name}.log`);
  let child: ChildProcess;
  let exited: Promise<ChildExit>;

  const launch = async (): Promise<void> => {
    const fd = openSync(log, 'a');
    try {
      child = spawn(server, args, {
        cwd: repoRoot,
        env: { ...process.env, ...env },
        stdio: ['ignore', fd, fd],
      });
    } finally {
      closeSync(fd);
    }
    exited = childExit(child);
    // Last resort for any exit path that skips stop(): never leave a service holding its ports.
    const current = child;
    const killOnExit = () => current.kill('SIGKILL');
    process.once('exit', killOnExit);
    void exited.then(() => process.off('exit', killOnExit));
    await untilListening(current, exited);
  };

  const untilListening = async (current: ChildProcess, done: Promise<ChildExit>) => {
    let exit: ChildExit | undefined;
    void done.then((e) => {
      exit = e;
    });
    const deadline = Date.now() + startTimeoutMs;
    while (Date.now() < deadline) {
      if (exit)
        throw new Error(`Temporal ${name} exited during start-up (${describeExit(exit)}): ${logTail(log)}`);
      if (holdsListeningPort(current.pid as number, port)) return;
      await sleep(100);
    }
    throw new Error(`Temporal ${name} did not listen on port ${port} within ${startTimeoutMs / 1000} s`);
  };

  const started = launch();
  return {
    name,
    port,
    started,
    get pid() {
      return child.pid ?? 0;
    },
    get exited() {
      return exited;
    },
    kill: (signal) => void child.kill(signal),
    stop: () => stopProcess(child, graceMs, exited),
    async restart() {
      await stopProcess(child, graceMs, exited);
      await launch();
    },
  };
}

/** Creates the namespace (the server has none of its own); one that exists already is fine. */
async function registerNamespace(address: string, namespace: string): Promise<void> {
  const cli = temporalCliPath();
  const args = ['operator', 'namespace', 'create', '--namespace', namespace, '--address', address];
  try {
    await run(cli, [...args, '--retention', '72h']);
  } catch (err) {
    const out = (err as { stderr?: string }).stderr ?? '';
    if (!/already (exists|registered)/i.test(out)) throw new Error(`namespace create failed: ${out.trim()}`);
  }
}

/**
 * The namespace reaches each service's namespace cache on its next refresh (2 s): until then starting a
 * workflow fails with "namespace not found". A workflow that does not exist tells the two apart.
 */
async function untilNamespaceServed(connection: Connection, namespace: string): Promise<void> {
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    try {
      await connection.workflowService.describeWorkflowExecution({
        namespace,
        execution: { workflowId: `probe-${randomBytes(4).toString('hex')}` },
      });
      return;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (!/namespace/i.test(message)) return; // "workflow not found": the namespace is served
      if (Date.now() > deadline) throw new Error(`namespace ${namespace} not served: ${message}`);
      await sleep(250);
    }
  }
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
