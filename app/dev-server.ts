import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection, type ConnectionOptions } from '@temporalio/client';
import { customSearchAttributes } from '../contract/search-attributes';
import { holdsListeningPort, PortInUseError } from './ports';
import { temporalCliPath } from './temporal-binaries';

export interface DevServerOptions {
  port: number;
  uiPort: number;
  /** SQLite file for Temporal's state; unset = in memory (only the bench's reference run uses that). */
  dbFile?: string;
  namespace: string;
  /** SQLite pragmas as `name=value` (TEMPORAL_DB_PRAGMAS); empty = SQLite's defaults. */
  sqlitePragmas: readonly string[];
  /** The Web UI's remote codec (the API's /codec), so it shows decrypted payloads; unset = none. */
  uiCodecEndpoint?: string;
  /** Task-queue partitions (TEMPORAL_TQ_PARTITIONS); unset = the server's default. */
  taskQueuePartitions?: number;
  /** Aborting stops the child and rejects the start (a signal during start-up). */
  signal?: AbortSignal;
  /** How long `stop()` waits after SIGTERM before it sends SIGKILL. */
  stopGraceMs?: number;
  /** false: drop the CLI's start banner (stdout), e.g. where stdout is a report. Errors still show. */
  banner?: boolean;
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface DevServer {
  address: string;
  pid: number;
  /**
   * Settles once the child spawned here is the one listening; rejects when it exits first, when another
   * process answers on the port, or when the signal aborts.
   */
  ready: Promise<void>;
  /** Settles when the child exits, for whatever reason: the service watches it for an unexpected death. */
  exited: Promise<ChildExit>;
  /** SIGTERM, then SIGKILL after the grace period; safe to call at any time. */
  stop(): Promise<void>;
}

const cliTypes: Record<string, string> = {
  BOOL: 'Bool',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DATETIME: 'Datetime',
};

const startTimeoutMs = 60_000;
const defaultStopGraceMs = 10_000;

/** The CLI arguments, in one place so the bench starts the server exactly as the service does. */
export function devServerArgs(opts: Omit<DevServerOptions, 'signal' | 'stopGraceMs' | 'banner'>): string[] {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(opts.port)];
  args.push('--ui-port', String(opts.uiPort), '--namespace', opts.namespace);
  if (opts.uiCodecEndpoint) args.push('--ui-codec-endpoint', opts.uiCodecEndpoint);
  if (opts.dbFile) args.push('--db-filename', opts.dbFile);
  args.push('--log-level', 'error');
  for (const pragma of opts.sqlitePragmas) args.push('--sqlite-pragma', pragma);
  if (opts.taskQueuePartitions !== undefined) {
    for (const key of ['matching.numTaskqueueReadPartitions', 'matching.numTaskqueueWritePartitions'])
      args.push('--dynamic-config-value', `${key}=${opts.taskQueuePartitions}`);
  }
  for (const key of customSearchAttributes)
    args.push('--search-attribute', `${key.name}=${cliTypes[key.type]}`);
  return args;
}

/**
 * The embedded Temporal: the CLI's dev server with the Web UI, state in a SQLite file under .data/
 * so assignments survive restarts, and our search attributes registered at start. Returned at once, so
 * the caller can register `stop` before waiting on `ready`: a signal during start-up then still stops it.
 * It counts as started only when the child spawned here is the one listening, never another server
 * already on the port.
 */
export function spawnDevServer(opts: DevServerOptions): DevServer {
  if (opts.dbFile) mkdirSync(dirname(opts.dbFile), { recursive: true });
  const stdout = opts.banner === false ? 'ignore' : 'inherit';
  const child = spawn(temporalCliPath(), devServerArgs(opts), { stdio: ['ignore', stdout, 'inherit'] });
  const exited = childExit(child);
  // Last resort for any exit path that skips stop(): never leave the server holding its ports.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
  const address = `127.0.0.1:${opts.port}`;
  const stop = async () => void (await stopProcess(child, opts.stopGraceMs ?? defaultStopGraceMs, exited));
  const ready = waitUntilChildListens(child, exited, address, opts);
  ready.catch(() => undefined); // the caller may register stop first and await ready later
  return { address, pid: child.pid ?? 0, ready, exited, stop };
}

/** Spawns and waits until ready; on failure the child is stopped before the error is thrown. */
export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const server = spawnDevServer(opts);
  try {
    await server.ready;
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

/** Resolves on the child's exit (or on a spawn error, which means it never ran). */
export function childExit(child: ChildProcess): Promise<ChildExit> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      return resolve({ code: child.exitCode, signal: child.signalCode });
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: child.exitCode, signal: child.signalCode }));
  });
}

async function waitUntilChildListens(
  child: ChildProcess,
  exited: Promise<ChildExit>,
  address: string,
  opts: DevServerOptions,
): Promise<void> {
  let exit: ChildExit | undefined;
  void exited.then((e) => {
    exit = e;
  });
  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    opts.signal?.throwIfAborted();
    if (exit) throw new Error(`Temporal dev server exited during start-up (${describeExit(exit)})`);
    if (await answers(address, {})) {
      // A server answers: ours only if our child holds the listening socket (where /proc can tell).
      const ours = holdsListeningPort(child.pid as number, opts.port);
      if (ours === false) {
        throw new PortInUseError({
          host: '127.0.0.1',
          port: opts.port,
          variable: 'TEMPORAL_DEV_PORT',
          what: 'Temporal dev server',
        });
      }
      if (!exit) return;
    }
    await sleep(250, undefined, { signal: opts.signal }).catch(() => undefined);
  }
  throw new Error(`Temporal dev server did not answer on ${address} within ${startTimeoutMs / 1000} s`);
}

async function answers(address: string, secure: SecureConnect): Promise<boolean> {
  try {
    const conn = await Connection.connect({ ...secure, address, connectTimeout: 1_000 });
    try {
      await conn.withDeadline(Date.now() + 2_000, () => conn.workflowService.getSystemInfo({}));
      return true;
    } finally {
      await conn.close();
    }
  } catch {
    return false;
  }
}

/**
 * Polls until a Temporal frontend answers (a server in docker-compose may still be creating its schema).
 * Aborting the signal gives up at once.
 */
/** TLS and API key of a secured cluster (app/temporal-connection.ts); empty for plain gRPC. */
export type SecureConnect = Pick<ConnectionOptions, 'tls' | 'apiKey'>;

export async function waitForTemporal(
  address: string,
  signal?: AbortSignal,
  timeoutMs = 60_000,
  secure: SecureConnect = {},
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    if (await answers(address, secure)) return;
    await sleep(250, undefined, { signal }).catch(() => undefined);
  }
  throw new Error(`Temporal did not answer on ${address} within ${timeoutMs / 1000} s`);
}

/**
 * SIGTERM, then SIGKILL if the process is still there after `graceMs`: a hung dev server must not keep
 * its ports (and the SQLite file) after the service has stopped.
 */
export async function stopProcess(
  child: ChildProcess,
  graceMs: number,
  exited: Promise<ChildExit> = childExit(child),
): Promise<ChildExit> {
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

export function describeExit(exit: ChildExit): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}
