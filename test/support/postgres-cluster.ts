import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownerIsGone, readOwner, writeOwner } from './cluster-owner';

/*
 * A throwaway PostgreSQL cluster for one test run: Debian's server binaries, initdb + pg_ctl in a
 * folder of its own under the system temp folder, a free loopback port, trust auth on loopback only.
 * Stopped and removed after the run. Installing the binaries is scripts/tools.sh's job (npm test runs
 * it first).
 *
 * Why not under the checkout: as root the server runs as the `postgres` user, which cannot reach a
 * checkout below a folder closed to other users (root's home, a `mktemp -d` folder), and initdb then
 * fails before any test runs. The temp folder is open to every user; the cluster's own folder is
 * `iwmo-pg-<pid>-XXXXXX`, mode 0700, owned by whoever runs the server.
 */

export interface Cluster {
  url: string;
  /** The cluster's folder (data directory, socket, log), removed by stop(). */
  dir: string;
  stop(): void;
  /** Stops the server but keeps its data (a PostgreSQL restart, for fault tests); resume() starts it again. */
  halt(): void;
  resume(): void;
}

/** Prefix of every cluster folder in the temp folder; the stale-cluster clean-up looks only at these. */
export const clusterPrefix = 'iwmo-pg-';

const asRoot = process.getuid?.() === 0;

function findBinDir(): string {
  const fromEnv = process.env.PG_BINDIR;
  if (fromEnv) return fromEnv;
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(base, v, 'bin', 'initdb'))) return join(base, v, 'bin');
  throw new Error(
    'PostgreSQL server binaries not found: run `bash scripts/tools.sh postgres` (installs Debian ' +
      "'postgresql'), set PG_BINDIR, or set TEST_DATABASE_URL to an existing server",
  );
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** initdb refuses to run as root; as root we run the server as Debian's `postgres` user. */
function runAsOwner(cmd: string, args: string[]): void {
  const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  const res = spawnSync(file, argv, { encoding: 'utf8' });
  if (res.status !== 0) {
    throw new Error(`${cmd} failed (exit ${res.status}): ${res.stderr || res.stdout || res.error}`);
  }
}

/**
 * A run that was killed leaves its cluster behind (server still running). Stop and remove those in
 * `base` whose owner is certainly dead; the clusters of runs still alive, of this checkout or any other,
 * are left alone (see cluster-owner.ts).
 */
export function removeStaleClusters(bin: string, base: string = tmpdir()): void {
  for (const name of readdirSync(base)) {
    if (!name.startsWith(clusterPrefix)) continue;
    const dir = join(base, name);
    const owner = readOwner(dir);
    if (!owner || !ownerIsGone(owner)) continue;
    try {
      runAsOwner(join(bin, 'pg_ctl'), ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
    } catch {
      // Not running: nothing to stop.
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A new 0700 folder for the cluster in the temp folder, owned by the user the server runs as. */
function makeClusterDir(): string {
  const dir = mkdtempSync(join(tmpdir(), `${clusterPrefix}${process.pid}-`));
  writeOwner(dir);
  if (asRoot) {
    execFileSync('chown', ['-R', 'postgres:postgres', dir]);
    const reach = spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-w', dir]);
    if (reach.status !== 0) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(
        `the postgres user cannot reach ${dir} (a folder above it is closed to other users): ` +
          'set TMPDIR to a folder every user can reach, e.g. /tmp',
      );
    }
  }
  return dir;
}

export async function startCluster(): Promise<Cluster> {
  const bin = findBinDir();
  removeStaleClusters(bin);
  const dir = makeClusterDir();
  const data = join(dir, 'data');
  const stop = (): void => {
    try {
      runAsOwner(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    const port = await freePort();
    runAsOwner(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync']);
    const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
    const start = () =>
      runAsOwner(join(bin, 'pg_ctl'), ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', 'start']);
    start();
    const halt = () => runAsOwner(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
    return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, dir, stop, halt, resume: start };
  } catch (err) {
    // Leave nothing behind when the cluster did not come up (pg_ctl stop fails harmlessly then).
    try {
      stop();
    } catch {
      // The error that matters is the one from start-up.
    }
    throw err;
  }
}
