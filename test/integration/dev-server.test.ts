import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childExit, devServerArgs, startDevServer, stopProcess } from '../../app/dev-server';
import { holdsListeningPort } from '../../app/ports';
import { closeServer, freePorts, killAll, listenOn, portIsFree, processesWith } from '../support/service';
import { createDevServerEnv, type TemporalTestEnv } from '../support/temporal';

/*
 * The embedded dev server on its own (app/dev-server.ts): it counts as started only when our child
 * listens, its pragmas reach the SQLite file, and stopping it ends in SIGKILL when SIGTERM is ignored.
 */

const root = mkdtempSync(join(tmpdir(), 'iwmo-dev-server-'));
let other: TemporalTestEnv;

beforeAll(async () => {
  other = await createDevServerEnv();
});

afterAll(async () => {
  killAll(root);
  await other?.teardown();
  rmSync(root, { recursive: true, force: true });
});

const base = { namespace: 'default', sqlitePragmas: [] as string[] };

describe('startDevServer', () => {
  it('refuses a port another Temporal server answers on, instead of attaching to it', async () => {
    const port = Number(other.address.split(':')[1]);
    const [uiPort = 0] = await freePorts(1);
    const dbFile = join(root, 'second', 'temporal.db');
    await expect(startDevServer({ ...base, port, uiPort, dbFile })).rejects.toThrow(
      /Temporal dev server exited during start-up \(code 1\)|port .* is already in use/,
    );
    expect(processesWith(dbFile)).toEqual([]);
    expect(await portIsFree(uiPort)).toBe(true);
  });

  it('passes the SQLite pragmas and partitions, and stops on SIGTERM', async () => {
    const [port = 0, uiPort = 0] = await freePorts(2);
    const dbFile = join(root, 'wal', 'temporal.db');
    const opts = { ...base, port, uiPort, dbFile, sqlitePragmas: ['journal_mode=wal', 'synchronous=full'] };
    expect(devServerArgs({ ...opts, taskQueuePartitions: 1 }).join(' ')).toContain(
      '--sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=full ' +
        '--dynamic-config-value matching.numTaskqueueReadPartitions=1 ' +
        '--dynamic-config-value matching.numTaskqueueWritePartitions=1',
    );
    const server = await startDevServer({ ...opts, taskQueuePartitions: 1 });
    expect(holdsListeningPort(server.pid, port)).toBe(true);
    // Bytes 18–19 of a SQLite file are its read/write format versions: 2 means WAL.
    expect([...readFileSync(dbFile).subarray(18, 20)]).toEqual([2, 2]);
    await server.stop();
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(await portIsFree(port)).toBe(true);
  });
});

describe('stopProcess', () => {
  it('sends SIGKILL when the process ignores SIGTERM past the grace period', async () => {
    const stubborn = spawn(process.execPath, [
      '-e',
      'process.on("SIGTERM", () => {}); console.log("ready"); setInterval(() => {}, 1000)',
    ]);
    await new Promise((r) => stubborn.stdout.once('data', r));
    expect(await stopProcess(stubborn, 300)).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('needs no SIGKILL for a process that honours SIGTERM', async () => {
    const polite = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    expect(await stopProcess(polite, 5_000, childExit(polite))).toEqual({ code: null, signal: 'SIGTERM' });
  });
});

describe('holdsListeningPort', () => {
  it('tells whose socket listens on a port', async () => {
    const [port = 0] = await freePorts(1);
    const server = await listenOn(port);
    const bystander = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    try {
      expect(holdsListeningPort(process.pid, port)).toBe(true);
      expect(holdsListeningPort(bystander.pid as number, port)).toBe(false);
    } finally {
      bystander.kill('SIGKILL');
      await closeServer(server);
    }
  });
});
