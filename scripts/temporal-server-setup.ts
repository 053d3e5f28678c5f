import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { Connection } from '@temporalio/client';
import { repoRoot, temporalCliPath } from '../app/temporal-binaries';

/*
 * What the full Temporal server (scripts/temporal-server.ts) needs around its processes: the binaries
 * tools.sh built, its schemas on PostgreSQL (temporal-sql-tool), free ports it can store, and a namespace
 * every service serves.
 */

/** The server the Temporal CLI's dev server embeds (CLI 1.9.1); scripts/tools.sh pins the same. */
export const temporalServerVersion = '1.32.0';

const run = promisify(execFile);

/** How long a service may take to listen, and the namespace to be served. */
export const startTimeoutMs = 60_000;

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

export interface PgTarget {
  host: string;
  port: string;
  user: string;
  password: string;
}

export function pgTarget(url: string): PgTarget {
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

export async function distinctFreePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freeLowPort(ports));
  return [...ports];
}

/** Creates the namespace (the server has none of its own); one that exists already is fine. */
export async function registerNamespace(address: string, namespace: string): Promise<void> {
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
export async function untilNamespaceServed(connection: Connection, namespace: string): Promise<void> {
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
