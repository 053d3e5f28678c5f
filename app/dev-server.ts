import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { customSearchAttributes } from '../workflows/search-attributes';
import { temporalCliPath } from './temporal-binaries';

export interface DevServerOptions {
  port: number;
  uiPort: number;
  dbFile: string;
  namespace: string;
}

export interface DevServer {
  address: string;
  stop(): Promise<void>;
}

const cliTypes: Record<string, string> = {
  BOOL: 'Bool',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DATETIME: 'Datetime',
};

/**
 * The embedded Temporal: the CLI's dev server with the Web UI, state in a SQLite file under .data/
 * so assignments survive restarts, and our search attributes registered at start.
 */
export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  mkdirSync(dirname(opts.dbFile), { recursive: true });
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(opts.port)];
  args.push('--ui-port', String(opts.uiPort), '--db-filename', opts.dbFile, '--namespace', opts.namespace);
  args.push('--log-level', 'error');
  for (const key of customSearchAttributes)
    args.push('--search-attribute', `${key.name}=${cliTypes[key.type]}`);
  const child = spawn(temporalCliPath(), args, { stdio: ['ignore', 'inherit', 'inherit'] });
  const address = `127.0.0.1:${opts.port}`;
  await waitUntilReachable(address, child);
  return { address, stop: () => stopChild(child) };
}

async function waitUntilReachable(address: string, child: ChildProcess): Promise<void> {
  try {
    await waitForTemporal(address, () => {
      if (child.exitCode !== null) throw new Error(`temporal dev server exited with code ${child.exitCode}`);
    });
  } catch (err) {
    child.kill('SIGTERM');
    throw err;
  }
}

/**
 * Polls until a Temporal frontend answers (a server in docker-compose may still be creating its schema).
 * `check` runs before each attempt and may throw to give up early.
 */
export async function waitForTemporal(address: string, check: () => void = () => {}, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    check();
    try {
      const conn = await Connection.connect({ address, connectTimeout: 1_000 });
      await conn.workflowService.getSystemInfo({});
      await conn.close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`Temporal did not answer on ${address} within ${timeoutMs / 1000} s`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
