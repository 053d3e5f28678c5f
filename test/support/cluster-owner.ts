import { readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * Who owns a throwaway PostgreSQL cluster. Clusters live in the shared system temp folder, so a run
 * sees the clusters of other checkouts running at the same time: it may remove only those whose owner
 * is certainly gone. A pid alone is not proof: it can be reused by another process, and a pid from
 * another pid namespace (a container sharing /tmp) means nothing here. So the record also holds the
 * owner's start time and pid namespace, and anything we cannot judge is left alone.
 */

export interface ClusterOwner {
  pid: number;
  /** e.g. 'pid:[4026531836]'; null where /proc is not available. */
  pidNamespace: string | null;
  /** Start time of the process in clock ticks after boot (/proc/<pid>/stat field 22), or null. */
  startTicks: string | null;
}

const ownerFile = 'owner.json';

function pidNamespaceOf(pid: number | 'self'): string | null {
  try {
    return readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return null;
  }
}

/** Field 22 of /proc/<pid>/stat; the fields are counted after the command name, which may hold spaces. */
export function startTicksOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return afterName[19] ?? null; // afterName[0] is field 3 (state)
  } catch {
    return null;
  }
}

export function currentOwner(): ClusterOwner {
  return { pid: process.pid, pidNamespace: pidNamespaceOf('self'), startTicks: startTicksOf(process.pid) };
}

export function writeOwner(dir: string, owner: ClusterOwner = currentOwner()): void {
  writeFileSync(join(dir, ownerFile), `${JSON.stringify(owner)}\n`);
}

/** The owner recorded in a cluster folder; undefined when it cannot be read (then leave the folder alone). */
export function readOwner(dir: string): ClusterOwner | undefined {
  try {
    const data = JSON.parse(readFileSync(join(dir, ownerFile), 'utf8')) as ClusterOwner;
    return Number.isInteger(data.pid) && data.pid > 0 ? data : undefined;
  } catch {
    return undefined;
  }
}

/** True only when the owner is certainly dead: no such pid, or the pid now belongs to a later process. */
export function ownerIsGone(owner: ClusterOwner): boolean {
  if (owner.pidNamespace !== pidNamespaceOf('self')) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    // EPERM: the process exists but belongs to another user, so it is alive.
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
  const now = startTicksOf(owner.pid);
  return owner.startTicks !== null && now !== null && now !== owner.startTicks;
}
