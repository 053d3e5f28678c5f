import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../app/temporal-binaries';
import { currentOwner, ownerIsGone } from '../support/cluster-owner';
import { setup, teardown } from '../support/global-setup';
import { clusterPrefix } from '../support/postgres-cluster';

/*
 * The test PostgreSQL as a user meets it: a clone in a folder closed to other users (root's home, a
 * `mktemp -d` folder), run as root, so the server runs as `postgres`, who cannot enter that folder.
 * The integration layer's global setup runs from such a clone in a child process (cluster-driver.ts),
 * which can also be killed the way an interrupted test run is. Nothing else in the suite runs as another
 * user, so this is the part of `npm test` that depends on where the checkout lives.
 */

const asRoot = process.getuid?.() === 0;
const closed = mkdtempSync(join(tmpdir(), 'iwmo-closed-')); // mode 0700, like `mktemp -d`
const clone = join(closed, 'clone');
// The parts of a checkout the global setup loads (app/ too: the helper once located itself through it).
for (const path of ['package.json', 'tsconfig.json', 'app', 'test/support']) {
  cpSync(join(repoRoot, path), join(clone, path), { recursive: true });
}
const tsx = pathToFileURL(join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

const running = new Set<ChildProcessWithoutNullStreams>();
afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
  rmSync(closed, { recursive: true, force: true });
});

interface Run {
  child: ChildProcessWithoutNullStreams;
  /** The process that owns the cluster (node itself, no wrapper in between). */
  pid: number;
  url: string;
  exited: Promise<number | null>;
}

/** Starts the global setup from the clone; resolves once its cluster is up. */
function startRun(env: NodeJS.ProcessEnv = testEnv()): Promise<Run> {
  const child = spawn(
    process.execPath,
    ['--import', tsx, join(clone, 'test', 'support', 'cluster-driver.ts')],
    {
      cwd: clone,
      env,
    },
  );
  running.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => {
    err += d;
  });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const line = /^cluster-driver (.*)$/m.exec(out)?.[1];
      if (line) resolve({ child, exited, ...(JSON.parse(line) as { pid: number; url: string }) });
    });
    void exited.then((code) =>
      reject(new Error(`global setup exited (${code}) before its cluster was up:\n${err}`)),
    );
  });
}

/** The environment of a user who exported nothing for the tests. */
function testEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.TEST_DATABASE_URL;
  return env;
}

/** Ends a run the normal way: its teardown stops and removes the cluster. */
async function finish(run: Run): Promise<number | null> {
  run.child.stdin.end();
  return run.exited;
}

async function answers(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** The cluster folders in the temp folder owned by process `pid`. */
function clusterDirsOf(pid: number): string[] {
  return readdirSync(tmpdir())
    .filter((name) => name.startsWith(`${clusterPrefix}${pid}-`))
    .map((name) => join(tmpdir(), name));
}

describe('test PostgreSQL from a clone in a closed (0700) folder', () => {
  it.runIf(asRoot)('premise: the postgres user cannot enter the folder', () => {
    expect(spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-x', clone]).status).not.toBe(0);
  });

  it('global setup starts a cluster outside the checkout, and its teardown removes it', async () => {
    const run = await startRun();
    const dirs = clusterDirsOf(run.pid);
    expect(dirs).toHaveLength(1);
    expect(dirs[0]?.startsWith(closed)).toBe(false);
    expect(await answers(run.url)).toBe(true);
    expect(await finish(run)).toBe(0);
    expect(clusterDirsOf(run.pid)).toEqual([]);
  });

  it("a new run removes a killed run's cluster and keeps a live run's cluster", async () => {
    const live = await startRun();
    const killed = await startRun();
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(await answers(killed.url)).toBe(true); // the stale server outlives its run
    const next = await startRun();
    try {
      expect(await answers(killed.url)).toBe(false);
      expect(clusterDirsOf(killed.pid)).toEqual([]);
      expect(await answers(live.url)).toBe(true);
      expect(clusterDirsOf(live.pid)).toHaveLength(1);
    } finally {
      await Promise.all([finish(live), finish(next)]);
    }
  });
});

describe('cluster ownership', () => {
  it('counts an owner as gone only when it certainly is', () => {
    const me = currentOwner();
    const dead = spawnSync('true').pid as number;
    expect(ownerIsGone(me)).toBe(false);
    expect(ownerIsGone({ ...me, pid: dead })).toBe(true);
    // The pid lives, but started later than the owner did: reused by another process.
    expect(ownerIsGone({ ...me, startTicks: '1' })).toBe(true);
    // Alive and no start time to compare: keep.
    expect(ownerIsGone({ ...me, startTicks: null })).toBe(false);
    // A pid from another pid namespace (a container sharing /tmp) says nothing here: keep.
    expect(ownerIsGone({ ...me, pid: dead, pidNamespace: 'pid:[1]' })).toBe(false);
  });
});

describe('global setup and the service database', () => {
  const serviceUrl = 'postgres://service@127.0.0.1:9/service';

  async function providedUrl(env: Record<string, string | undefined>): Promise<unknown> {
    const saved = {
      DATABASE_URL: process.env.DATABASE_URL,
      TEST_DATABASE_URL: process.env.TEST_DATABASE_URL,
    };
    const provided: Record<string, unknown> = {};
    Object.assign(process.env, env);
    for (const [key, value] of Object.entries(env)) if (value === undefined) delete process.env[key];
    try {
      await setup({
        provide: (key: string, value: unknown) => {
          provided[key] = value;
        },
      });
      return provided.postgresAdminUrl;
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  }

  it('never uses DATABASE_URL: the tests get their own cluster', async () => {
    try {
      const url = await providedUrl({ DATABASE_URL: serviceUrl, TEST_DATABASE_URL: undefined });
      expect(url).not.toBe(serviceUrl);
      expect(await answers(String(url))).toBe(true);
      expect(clusterDirsOf(process.pid)).toHaveLength(1);
    } finally {
      await teardown();
    }
    expect(clusterDirsOf(process.pid)).toEqual([]);
  });

  it('uses TEST_DATABASE_URL when given, and starts no cluster', async () => {
    const dedicated = 'postgres://tests@127.0.0.1:9/tests';
    try {
      expect(await providedUrl({ DATABASE_URL: serviceUrl, TEST_DATABASE_URL: dedicated })).toBe(dedicated);
      expect(clusterDirsOf(process.pid)).toEqual([]);
    } finally {
      await teardown();
    }
  });
});
