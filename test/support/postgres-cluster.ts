import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from '../../app/temporal-binaries';

/*
 * A throwaway PostgreSQL cluster for one test run: Debian's server binaries, initdb + pg_ctl under
 * .data/, a free loopback port, trust auth on loopback only. Stopped and removed after the run.
 * Installing the binaries is scripts/tools.sh's job (npm test runs it first).
 */

export interface Cluster {
  url: string;
  stop(): void;
}

function findBinDir(): string {
  const fromEnv = process.env.PG_BINDIR;
  if (fromEnv) return fromEnv;
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(base, v, 'bin', 'initdb'))) return join(base, v, 'bin');
  throw new Error(
    'PostgreSQL server binaries not found: run `bash scripts/tools.sh postgres` (installs Debian ' +
      "'postgresql'), set PG_BINDIR, or set DATABASE_URL to an existing server",
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
  const asRoot = process.getuid?.() === 0;
  const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  const res = spawnSync(file, argv, { encoding: 'utf8' });
  if (res.status !== 0) {
    throw new Error(`${cmd} failed (exit ${res.status}): ${res.stderr || res.stdout || res.error}`);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A run that was killed leaves its cluster behind; stop and remove those whose owner is gone. */
function removeStaleClusters(bin: string): void {
  const dataDir = join(repoRoot, '.data');
  if (!existsSync(dataDir)) return;
  for (const name of readdirSync(dataDir)) {
    const pid = Number(/^pg-test-(\d+)$/.exec(name)?.[1]);
    if (!pid || processAlive(pid)) continue;
    const dir = join(dataDir, name);
    try {
      runAsOwner(join(bin, 'pg_ctl'), ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
    } catch {
      // Not running: nothing to stop.
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startCluster(): Promise<Cluster> {
  const bin = findBinDir();
  removeStaleClusters(bin);
  const dir = join(repoRoot, '.data', `pg-test-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (process.getuid?.() === 0) {
    execFileSync('chown', ['postgres:postgres', dir]);
    chmodSync(dir, 0o700);
  }
  const port = await freePort();
  runAsOwner(join(bin, 'initdb'), ['-D', join(dir, 'data'), '-U', 'postgres', '-A', 'trust', '--no-sync']);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  runAsOwner(join(bin, 'pg_ctl'), [
    '-D',
    join(dir, 'data'),
    '-o',
    opts,
    '-l',
    join(dir, 'log'),
    '-w',
    'start',
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        runAsOwner(join(bin, 'pg_ctl'), ['-D', join(dir, 'data'), '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
