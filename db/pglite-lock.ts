import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/*
 * PGlite takes no lock on its folder, and two processes writing one folder corrupt it. So the folder gets
 * a lock file beside it (`<folder>.lock`, holding the owner's pid), created atomically with link(2). A lock whose pid
 * is no longer running (a crash, kill -9) is stale and taken over; a live one refuses the second opener.
 */

export class PgliteLockedError extends Error {
  constructor(dir: string, lockFile: string, pid: number) {
    super(
      `PGlite folder ${dir} is in use by process ${pid} (lock ${lockFile}): stop that process, or set ` +
        `PGLITE_DIR to another folder; if no iwmo-flow runs as process ${pid}, delete the lock file`,
    );
    this.name = 'PgliteLockedError';
  }
}

/** Folders this process holds, so a second open in the same process is refused too. */
const heldHere = new Set<string>();

/** Locks `dir` for this process; returns the release function (idempotent). */
export function lockPgliteDir(dir: string): () => void {
  const folder = resolve(dir);
  const lockFile = `${folder}.lock`;
  if (heldHere.has(folder)) throw new PgliteLockedError(folder, lockFile, process.pid);
  // Two rounds: the second runs after a stale lock was moved aside.
  for (let round = 0; round < 2; round++) {
    if (tryCreate(lockFile)) {
      heldHere.add(folder);
      const release = () => releaseLock(folder, lockFile, release);
      process.once('exit', release);
      return release;
    }
    const holder = readPid(lockFile);
    if (holder !== undefined && holder !== process.pid && isRunning(holder))
      throw new PgliteLockedError(folder, lockFile, holder);
    takeOverStale(lockFile, holder);
  }
  const holder = readPid(lockFile) ?? 0;
  throw new PgliteLockedError(folder, lockFile, holder);
}

/** Writes the pid to a private file, then links it into place: the lock never exists without its pid. */
function tryCreate(lockFile: string): boolean {
  const draft = `${lockFile}.${process.pid}.tmp`;
  writeFileSync(draft, `${process.pid}\n`);
  try {
    linkSync(draft, lockFile);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'EPERM' || code === 'ENOTSUP') return createExclusive(lockFile); // no hard links here
    throw err;
  } finally {
    unlinkSync(draft);
  }
}

function createExclusive(lockFile: string): boolean {
  try {
    writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/**
 * Moves the stale file aside (atomic) before deleting it, and checks it is still the stale one: if another
 * process took it over between our read and the move, its live lock is put back, untouched.
 */
function takeOverStale(lockFile: string, stalePid: number | undefined): void {
  const aside = `${lockFile}.stale-${process.pid}`;
  try {
    renameSync(lockFile, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = readPid(aside);
  if (moved !== stalePid && moved !== undefined && isRunning(moved)) {
    try {
      linkSync(aside, lockFile);
    } catch {
      // A third process holds the name by now; the next round reads whose it is.
    }
  }
  unlinkSync(aside);
}

function releaseLock(folder: string, lockFile: string, self: () => void): void {
  process.off('exit', self);
  if (!heldHere.delete(folder)) return;
  // Only our own lock file: never delete one a successor wrote after a takeover.
  if (readPid(lockFile) === process.pid) unlinkSync(lockFile);
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Signal 0 tests for existence; EPERM means it exists under another user. A zombie (killed, not yet
 * reaped — in a container whose init does not reap, that can last) answers signal 0 too, but holds
 * nothing: on Linux its state in /proc says so.
 */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    // /proc/<pid>/stat: "pid (comm) S …"; comm may hold spaces and parentheses, so read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return false; // no /proc (not Linux) or gone already: signal 0 has decided
  }
}
