import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../app/temporal-binaries';

/*
 * The service as an operator runs it: `npm start` or tsx on app/start.ts in a child process, watched through
 * its output, its process tree and its ports. Linux only (the process scan reads /proc), like CI.
 */

export type Launcher = 'npm' | 'tsx';

export interface ServiceProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the output so far once `pattern` appears in stdout or stderr; rejects on exit first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
}

/**
 * Every file the service writes, in `dir` instead of the checkout's .data/ (dev secrets, PGlite, the
 * Temporal file, the simulator's certificates): a test run leaves nothing there (test/support/data-guard.ts).
 */
export function dataEnv(dir: string): Record<string, string> {
  mkdirSync(dir, { recursive: true });
  return {
    DEV_SECRETS_FILE: join(dir, 'dev-secrets.json'),
    PGLITE_DIR: join(dir, 'pglite'),
    TEMPORAL_DB_FILE: join(dir, 'temporal.db'),
    SIMULATOR_DIR: join(dir, 'simulator'),
  };
}

/**
 * Starts the service with `env` on top of ours; data paths `env` leaves out go to a fresh temp folder. `marker` goes into the environment of every process in
 * the tree (npm, tsx, node, the dev server inherit it), so `processesWith(marker)` finds them all.
 */
export function startService(
  launcher: Launcher,
  env: Record<string, string>,
  marker: string,
): ServiceProcess {
  const [cmd, args] =
    launcher === 'npm'
      ? ['npm', ['start']]
      : [process.execPath, ['--import', 'tsx', join(repoRoot, 'app', 'start.ts')]];
  const child = spawn(cmd, args, {
    cwd: repoRoot,
    env: {
      ...process.env,
      ...dataEnv(mkdtempSync(join(tmpdir(), 'iwmo-service-data-'))),
      ...env,
      IWMO_TEST_MARKER: marker,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of listeners) l();
  };
  child.stdout?.on('data', (d) => {
    out += String(d);
    notify();
  });
  child.stderr?.on('data', (d) => {
    err += String(d);
    notify();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitFor = (pattern: RegExp, timeoutMs = 60_000) =>
    new Promise<string>((resolve, reject) => {
      const done = () => {
        listeners.delete(check);
        clearTimeout(timer);
      };
      const check = () => {
        if (pattern.test(out) || pattern.test(err)) {
          done();
          resolve(out + err);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${out}\n${err}`));
      }, timeoutMs);
      listeners.add(check);
      void exited.then((code) => {
        if (!listeners.has(check)) return;
        done();
        reject(new Error(`exited (${code}) before ${pattern}; output:\n${out}\n${err}`));
      });
      check();
    });
  return { child, stdout: () => out, stderr: () => err, waitFor, exited };
}

/** Pids of every process whose environment or command line contains `marker` (ourselves excluded). */
export function processesWith(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
      if (environ.includes(marker) || cmdline.includes(marker)) pids.push(pid);
    } catch {
      // Gone while we looked, or not ours to read.
    }
  }
  return pids;
}

/** Waits until no process carries `marker` any more; returns the ones still there after `timeoutMs`. */
export async function processesGone(marker: string, timeoutMs = 20_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let left = processesWith(marker);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    left = processesWith(marker);
  }
  return left;
}

/** Last resort after a failed test: SIGKILL what the test started, by pid. */
export function killAll(marker: string): void {
  for (const pid of processesWith(marker)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/**
 * `n` distinct free loopback ports for a service to bind later. They come from below the kernel's ephemeral
 * range: a port from there (what `listen(0)` hands out) can be taken in the meantime as the local end of
 * any outgoing connection, or by a dev server's own random ports, and the service would then find it
 * in use. Below that range only an explicit bind can take it.
 */
export async function freePorts(n: number): Promise<number[]> {
  const ephemeralLow = ephemeralRangeStart();
  const low = Math.max(1024, ephemeralLow - 12_000);
  const ports = new Set<number>();
  const held: Server[] = [];
  while (ports.size < n) {
    const port = low + Math.floor(Math.random() * (ephemeralLow - low));
    if (ports.has(port)) continue;
    try {
      held.push(await listenOn(port));
      ports.add(port);
    } catch {
      // Taken: draw again.
    }
  }
  await Promise.all(held.map(closeServer));
  return [...ports];
}

function ephemeralRangeStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    return Number(low) || 32_768;
  } catch {
    return 32_768;
  }
}

/** A plain TCP listener on 127.0.0.1: holds a port the way another program would. */
export function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.on('error', () => undefined));
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

export async function portIsFree(port: number): Promise<boolean> {
  try {
    const server = await listenOn(port);
    await new Promise((r) => server.close(r));
    return true;
  } catch {
    return false;
  }
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
