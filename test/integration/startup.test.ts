import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../app/temporal-binaries';
import {
  closeServer,
  dataEnv,
  freePorts,
  killAll,
  listenOn,
  portIsFree,
  processesGone,
  processesWith,
  type ServiceProcess,
  startService,
} from '../support/service';

/*
 * The service's own entry point, run as an operator or a supervisor runs it (`npm start`, tsx): bad
 * configuration and taken ports stop it before anything starts, a second instance is refused, a failure
 * half-way stops what was started, and SIGTERM to `npm start` stops the whole process tree.
 * Each scenario spawns the real thing; the running instance is shared by the tests that only observe it.
 */

const root = mkdtempSync(join(tmpdir(), 'iwmo-startup-'));
afterAll(() => {
  killAll(root);
  rmSync(root, { recursive: true, force: true });
});

/**
 * Environment of one instance: its own ports, and every file it writes (dev secrets, PGlite, the Temporal
 * file, the simulator's certificates) under `dir`, never in the checkout's .data/.
 */
function instanceEnv(dir: string, [api, dev, ui]: number[]): Record<string, string> {
  return {
    ...dataEnv(dir),
    PORT: String(api),
    TEMPORAL_DEV_PORT: String(dev),
    TEMPORAL_UI_PORT: String(ui),
    MESSAGE_POLL_INTERVAL_MS: '1000',
  };
}

function startSync(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'app', 'start.ts')], {
    cwd: repoRoot,
    env: { ...process.env, ...dataEnv(join(root, `sync-${randomUUID()}`)), ...env, IWMO_TEST_MARKER: root },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

/** A pid that surely runs no more: a child that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => child.once('exit', r));
  return child.pid as number;
}

describe('start-up refusals before anything starts', () => {
  it('stops on a profile with a negative term, naming file and field', () => {
    const shipped = JSON.parse(readFileSync(join(repoRoot, 'config', 'profiles', 'iwmo-3.2.json'), 'utf8'));
    shipped.deadlines[0].workingDays = -1;
    const dir = join(root, 'profiles-dir');
    mkdirSync(join(dir, 'profiles'), { recursive: true });
    writeFileSync(join(dir, 'profiles', 'iwmo-3.2.json'), JSON.stringify(shipped));
    writeFileSync(
      join(dir, 'gemeente-profiles.json'),
      JSON.stringify({ default: 'iwmo-3.2', gemeenten: {} }),
    );
    const res = startSync({ PROFILES_DIR: dir, TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(
      /start-up failed: .*iwmo-3\.2\.json: deadlines\[0\]\.workingDays: must be ≥ 0/,
    );
    expect(res.stdout).not.toMatch(/starting Temporal|database ready/);
  });

  it('stops on a contract with a unit outside the standard list, naming file and field', () => {
    const dir = join(root, 'contracts-dir');
    cpSync(join(repoRoot, 'config'), dir, { recursive: true });
    const file = join(dir, 'contracts', '42420001-0384.json');
    const contract = JSON.parse(readFileSync(file, 'utf8'));
    contract.producten[0].eenheid = '05';
    writeFileSync(file, JSON.stringify(contract));
    const res = startSync({ PROFILES_DIR: dir, TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(
      /start-up failed: .*42420001-0384\.json: producten\[0\]\.eenheid: must be an Eenheid code \(WJ756/,
    );
    expect(res.stdout).not.toMatch(/starting Temporal|database ready/);
  });

  it('stops before Temporal when an external Temporal is configured without payload keys', () => {
    const { PAYLOAD_KEYS, PAYLOAD_KEY_ID, CLIENT_REF_SECRET, ...rest } = process.env;
    const res = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'app', 'start.ts')], {
      cwd: repoRoot,
      env: { ...rest, ...dataEnv(join(root, 'no-keys')), TEMPORAL_ADDRESS: '127.0.0.1:1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(
      /start-up failed: PAYLOAD_KEYS\/PAYLOAD_KEY_ID and CLIENT_REF_SECRET must be configured when TEMPORAL_ADDRESS is set/,
    );
    expect(res.stdout).not.toMatch(/waiting for Temporal|database ready/);
  });

  it.each([
    ['PORT', 0, 'HTTP API'],
    ['TEMPORAL_DEV_PORT', 1, 'Temporal dev server'],
    ['TEMPORAL_UI_PORT', 2, 'Temporal Web UI'],
  ])('stops at once when %s is taken, with one line naming port and variable', async (variable, i, what) => {
    const ports = await freePorts(3);
    const holder = await listenOn(ports[i] as number);
    try {
      const dir = join(root, `taken-${variable}`);
      const res = startSync(instanceEnv(dir, ports));
      expect(res.status).toBe(1);
      expect(res.stderr).toBe(
        `[iwmo-flow] start-up failed: port ${ports[i]} on 127.0.0.1 (${what}) is already in use: ` +
          `stop the program holding it or set ${variable} to a free port\n`,
      );
      // Nothing was started, nothing was locked.
      expect(res.stdout).not.toMatch(/database ready|starting Temporal|API listening/);
      expect(existsSync(join(dir, 'pglite.lock'))).toBe(false);
    } finally {
      await closeServer(holder);
    }
  });
});

describe('a running instance (npm start)', () => {
  const dir = join(root, 'running');
  let env: Record<string, string>;
  let ports: number[];
  let service: ServiceProcess;
  let stalePid: number;

  beforeAll(async () => {
    ports = await freePorts(3);
    env = instanceEnv(dir, ports);
    // Left behind by a crashed earlier run: a lock whose process is gone.
    stalePid = await deadPid();
    writeFileSync(`${env.PGLITE_DIR}.lock`, `${stalePid}\n`);
    service = startService('npm', env, dir);
    await service.waitFor(/API listening/);
  });

  it('took over the stale PGlite lock and holds it with its own pid', () => {
    const holder = Number(readFileSync(`${env.PGLITE_DIR}.lock`, 'utf8'));
    expect(holder).not.toBe(stalePid);
    expect(processesWith(dir)).toContain(holder);
  });

  it('answers /health with the status of each component and nothing else', async () => {
    const res = await fetch(`http://127.0.0.1:${env.PORT}/health`, { signal: AbortSignal.timeout(10_000) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', temporal: 'ok', database: 'ok' });
  });

  it('logs "API listening" after the dev server it spawned is ready', () => {
    const out = service.stdout();
    const ready = out.indexOf('Temporal dev server ready');
    expect(ready).toBeGreaterThan(-1);
    expect(out.indexOf('API listening')).toBeGreaterThan(ready);
  });

  it('talks to the embedded simulator by default: its 301s are polled, routed and answered with 302s', async () => {
    expect(service.stdout()).toMatch(/transport: simulator 'happy' at https:\/\/127\.0\.0\.1:\d+/);
    expect(service.stdout()).toMatch(
      /message poller started: workflow iwmo-message-poll, a round every 1000 ms/,
    );
    // The gemeente the simulator plays logs each 302 it takes: the whole loop ran inside `npm start`.
    await service.waitFor(/\[simulator\] took WMO302/, 60_000);
  });

  it('refuses a second instance on the same ports at once', () => {
    const res = startSync(env);
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(
      new RegExp(
        `^\\[iwmo-flow\\] start-up failed: port ${env.PORT} on 127\\.0\\.0\\.1 .* set PORT to a free port\\n$`,
      ),
    );
    expect(res.stdout).not.toMatch(/starting Temporal/);
  });

  it('refuses a second instance on the same PGlite folder, naming the holder', async () => {
    const other = await freePorts(3);
    const res = startSync({
      ...instanceEnv(join(root, 'second'), other),
      PGLITE_DIR: env.PGLITE_DIR as string,
    });
    const holder = readFileSync(`${env.PGLITE_DIR}.lock`, 'utf8').trim();
    expect(res.status).toBe(1);
    expect(res.stderr).toBe(
      `[iwmo-flow] start-up failed: PGlite folder ${env.PGLITE_DIR} is in use by process ${holder} ` +
        `(lock ${env.PGLITE_DIR}.lock): stop that process, or set PGLITE_DIR to another folder; ` +
        `if no iwmo-flow runs as process ${holder}, delete the lock file\n`,
    );
    expect(res.stdout).not.toMatch(/starting Temporal/);
    // The refused instance started no dev server of its own.
    expect(await portIsFree(other[1] as number)).toBe(true);
  });

  it('stops the whole tree on SIGTERM to the npm process, freeing every port and the lock', async () => {
    const tree = processesWith(dir);
    // npm, node (tsx as a loader, no tsx CLI process) and the dev server at least.
    expect(tree.length).toBeGreaterThanOrEqual(3);
    service.child.kill('SIGTERM');
    await service.exited;
    expect(await processesGone(dir)).toEqual([]);
    for (const port of ports) expect(await portIsFree(port)).toBe(true);
    expect(existsSync(`${env.PGLITE_DIR}.lock`)).toBe(false);
    expect(service.stdout()).toMatch(/SIGTERM: stopping[\s\S]*\[iwmo-flow\] stopped/);
  });
});

describe('a failure after the dev server is up', () => {
  let holder: Server | undefined;
  afterAll(async () => {
    if (holder) await closeServer(holder);
  });

  it('stops the dev server it started, and never logs "API listening"', async () => {
    const dir = join(root, 'late-failure');
    const ports = await freePorts(3);
    const service = startService('tsx', instanceEnv(dir, ports), dir);
    // The API port is taken after the start-up check passed, while the worker is being built.
    await service.waitFor(/Temporal dev server ready/);
    holder = await listenOn(ports[0] as number);
    expect(await service.exited).toBe(1);
    expect(service.stderr()).toContain(
      `start-up failed: port ${ports[0]} on 127.0.0.1 (HTTP API) is already in use: ` +
        'stop the program holding it or set PORT to a free port',
    );
    expect(service.stdout()).not.toContain('API listening');
    expect(await processesGone(dir)).toEqual([]);
    expect(await portIsFree(ports[1] as number)).toBe(true);
    expect(await portIsFree(ports[2] as number)).toBe(true);
  });
});
