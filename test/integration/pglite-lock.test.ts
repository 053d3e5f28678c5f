import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../db';

/*
 * The PGlite folder lock (db/pglite-lock.ts) through the one database factory: a folder is opened by one
 * process at a time, a lock left by a dead process is taken over, closing releases it.
 */

const root = mkdtempSync(join(tmpdir(), 'iwmo-pglite-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function exitedPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => child.once('exit', r));
  return child.pid as number;
}

describe('PGlite folder lock', () => {
  it('holds the folder while open: a second open is refused, closing releases it', async () => {
    const dir = join(root, 'one');
    const first = createDatabase({ pgliteDir: dir });
    await first.migrate();
    expect(readFileSync(`${dir}.lock`, 'utf8').trim()).toBe(String(process.pid));
    expect(() => createDatabase({ pgliteDir: dir })).toThrow(
      new RegExp(`PGlite folder ${dir} is in use by process ${process.pid} \\(lock ${dir}\\.lock\\)`),
    );
    await first.close();
    expect(existsSync(`${dir}.lock`)).toBe(false);
    const again = createDatabase({ pgliteDir: dir });
    await again.ping();
    await again.close();
  });

  it('refuses a folder locked by another running process', async () => {
    const dir = join(root, 'other');
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    try {
      writeFileSync(`${dir}.lock`, `${other.pid}\n`);
      expect(() => createDatabase({ pgliteDir: dir })).toThrow(
        `PGlite folder ${dir} is in use by process ${other.pid}`,
      );
      expect(readFileSync(`${dir}.lock`, 'utf8').trim()).toBe(String(other.pid));
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('takes over a lock whose process was killed but not yet reaped (a zombie answers signal 0)', async () => {
    // The parent forks a child that exits at once and never waits for it: the child stays a zombie.
    const parent = spawn('python3', [
      '-c',
      'import os, time\npid = os.fork()\nif pid == 0: os._exit(0)\nprint(pid, flush=True)\ntime.sleep(30)',
    ]);
    try {
      const zombie = Number(
        await new Promise<string>((r) => parent.stdout.once('data', (d) => r(String(d)))),
      );
      await expect.poll(() => readFileSync(`/proc/${zombie}/stat`, 'latin1').split(') ')[1]?.[0]).toBe('Z');
      const dir = join(root, 'zombie');
      writeFileSync(`${dir}.lock`, `${zombie}\n`);
      const db = createDatabase({ pgliteDir: dir });
      await db.ping();
      expect(readFileSync(`${dir}.lock`, 'utf8').trim()).toBe(String(process.pid));
      await db.close();
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it.each([
    ['a dead process', async () => `${await exitedPid()}\n`],
    ['no readable pid', async () => 'garbage'],
  ])('takes over a stale lock holding %s', async (_, content) => {
    const dir = join(root, `stale-${Math.random().toString(36).slice(2)}`);
    writeFileSync(`${dir}.lock`, await content());
    const db = createDatabase({ pgliteDir: dir });
    await db.ping();
    expect(readFileSync(`${dir}.lock`, 'utf8').trim()).toBe(String(process.pid));
    await db.close();
    expect(existsSync(`${dir}.lock`)).toBe(false);
  });
});
