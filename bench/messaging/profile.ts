import { readdirSync, readFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import type { MessageCodec } from '../../activities/messaging/codec';

/*
 * BENCH_PROFILE=1 in bench/messaging.ts: where a toewijzing's time goes. Three sources, all read after
 * the run so the timing itself costs next to nothing:
 *   - activities: wall time of each activity body in this worker (its queries included), by name;
 *   - codec: wall time of each codec-pool operation as the caller sees it (queueing for a thread included);
 *   - Temporal: from the histories of a sample of assignment workflows, each activity's
 *     scheduled → started (matching + poll latency) and started → completed (run + report), and the
 *     workflow tasks' scheduled → completed.
 */

export interface Tally {
  calls: number;
  totalMs: number;
}

export type Tallies = Map<string, Tally>;

function add(t: Tallies, key: string, ms: number): void {
  const v = t.get(key) ?? { calls: 0, totalMs: 0 };
  v.calls++;
  v.totalMs += ms;
  t.set(key, v);
}

async function timed<T>(t: Tallies, key: string, run: () => Promise<T>): Promise<T> {
  const began = performance.now();
  try {
    return await run();
  } finally {
    add(t, key, performance.now() - began);
  }
}

/** The same activities, each call's wall time added to `t` under its name. */
export function timedActivities<A extends Record<string, unknown>>(activities: A, t: Tallies): A {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    out[name] =
      typeof fn === 'function'
        ? (...args: unknown[]) => timed(t, name, () => (fn as (...a: unknown[]) => Promise<unknown>)(...args))
        : fn;
  }
  return out as A;
}

/** The same codec, each operation's wall time (queue wait included) added to `t` as `codec.<op>`. */
export function timedCodec<C extends MessageCodec>(codec: C, t: Tallies): C {
  return new Proxy(codec, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || prop === 'close' || prop === 'pending') return value;
      return (...args: unknown[]) => timed(t, `codec.${String(prop)}`, () => value.apply(target, args));
    },
  });
}

const ms = (from?: { toNumber(): number } | null, nanos?: number | null) =>
  (from?.toNumber() ?? 0) * 1000 + (nanos ?? 0) / 1e6;

/** Per activity type: scheduled → started and started → completed, from `sample` assignment histories. */
export async function historyTallies(
  client: Client,
  sample: number,
): Promise<{ t: Tallies; workflows: number }> {
  const t: Tallies = new Map();
  let workflows = 0;
  for await (const wf of client.workflow.list({ query: "WorkflowType = 'assignmentWorkflow'" })) {
    if (workflows++ >= sample) break;
    const history = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
    const at = new Map<number, number>();
    const names = new Map<number, string>();
    for (const e of history.events ?? []) {
      const id = Number(e.eventId);
      const when = ms(e.eventTime?.seconds as never, e.eventTime?.nanos);
      at.set(id, when);
      if (e.activityTaskScheduledEventAttributes)
        names.set(id, e.activityTaskScheduledEventAttributes.activityType?.name ?? '?');
      const started = e.activityTaskStartedEventAttributes;
      if (started) {
        const s = Number(started.scheduledEventId);
        add(t, `${names.get(s)}: scheduled → started`, when - (at.get(s) ?? when));
      }
      const done = e.activityTaskCompletedEventAttributes;
      if (done) {
        const s = Number(done.scheduledEventId);
        add(t, `${names.get(s)}: started → completed`, when - (at.get(Number(done.startedEventId)) ?? when));
      }
      const wft = e.workflowTaskCompletedEventAttributes;
      if (wft)
        add(t, 'workflow task: scheduled → completed', when - (at.get(Number(wft.scheduledEventId)) ?? when));
    }
  }
  return { t, workflows: Math.min(workflows, sample) };
}

/** Markdown rows: name, calls, calls per toewijzing, ms per call, ms per toewijzing. */
export function talliesTable(title: string, t: Tallies, perItem: number): string {
  const rows = [...t.entries()].sort((a, b) => b[1].totalMs - a[1].totalMs);
  const lines = [
    `| ${title} | calls | per toewijzing | ms per call | ms per toewijzing |`,
    '| :-- | --: | --: | --: | --: |',
    ...rows.map(
      ([k, v]) =>
        `| ${k} | ${v.calls} | ${(v.calls / perItem).toFixed(2)} | ${(v.totalMs / v.calls).toFixed(1)} | ${(v.totalMs / perItem).toFixed(1)} |`,
    ),
  ];
  return lines.join('\n');
}

/** CPU seconds (user + system) of this process and of every process below it (servers, codec threads included). */
export function cpuTree(): {
  self: number;
  children: number;
  byName: Map<string, number>;
  postgres: number;
} {
  const tick = 100; // USER_HZ on Linux
  const procs = new Map<number, { ppid: number; name: string; cpu: number; reaped: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      const f = stat.slice(close + 2).split(' ');
      // after "(comm) ": state ppid … utime(12) stime(13) counting from state = 0
      procs.set(Number(entry), {
        ppid: Number(f[1]),
        name,
        cpu: (Number(f[11]) + Number(f[12])) / tick,
        reaped: (Number(f[13]) + Number(f[14])) / tick,
      });
    } catch {
      // gone meanwhile
    }
  }
  const below = (pid: number): number[] =>
    [...procs.entries()].filter(([, p]) => p.ppid === pid).flatMap(([c]) => [c, ...below(c)]);
  const byName = new Map<string, number>();
  let children = 0;
  for (const pid of below(process.pid)) {
    const p = procs.get(pid);
    if (!p) continue;
    children += p.cpu;
    byName.set(p.name, (byName.get(p.name) ?? 0) + p.cpu);
  }
  // This process by thread name: the main thread ("node": worker activities, simulator, PGlite), the
  // workflow and codec worker threads, V8's GC helpers, the SDK core's tokio threads, libuv's pool.
  for (const task of readdirSync(`/proc/${process.pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${process.pid}/task/${task}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const name = `this process: ${stat.slice(stat.indexOf('(') + 1, close).replace(/[0-9]+$/, '')}${task === String(process.pid) ? ' (main)' : ''}`;
      const f = stat.slice(close + 2).split(' ');
      byName.set(name, (byName.get(name) ?? 0) + (Number(f[11]) + Number(f[12])) / tick);
    } catch {
      // thread ended
    }
  }
  // The PostgreSQL cluster runs detached (pg_ctl), so it is not below this process: its processes by name,
  // the postmaster with the CPU of the backends it has reaped. Shown apart, not in the total (as before).
  const mine = new Set(below(process.pid));
  let postgresCpu = 0;
  for (const [pid, p] of procs) if (p.name === 'postgres' && !mine.has(pid)) postgresCpu += p.cpu + p.reaped;
  const u = process.cpuUsage();
  return { self: (u.user + u.system) / 1e6, children, byName, postgres: postgresCpu };
}

/** Markdown: CPU seconds per item of each process between two readings. */
export function cpuTable(
  title: string,
  from: ReturnType<typeof cpuTree>,
  to: ReturnType<typeof cpuTree>,
  items: number,
): string {
  const rows: Array<[string, number]> = [
    ['this process (worker, simulator, PGlite, codec threads)', to.self - from.self],
  ];
  for (const [name, cpu] of to.byName) rows.push([name, cpu - (from.byName.get(name) ?? 0)]);
  // Threads of this process are a split of its row, not added again.
  const total = rows.filter(([k]) => !k.startsWith('this process:')).reduce((s, [, v]) => s + v, 0);
  return [
    `| ${title} | CPU s | CPU ms per workflow |`,
    '| :-- | --: | --: |',
    ...rows
      .filter(([, v]) => v > 0.005)
      .map(([k, v]) => `| ${k} | ${v.toFixed(2)} | ${((v / items) * 1000).toFixed(1)} |`),
    `| total | ${total.toFixed(2)} | ${((total / items) * 1000).toFixed(1)} |`,
    ...(to.postgres - from.postgres > 0.005
      ? [
          `| PostgreSQL cluster (apart, not in the total) | ${(to.postgres - from.postgres).toFixed(2)} | ${(((to.postgres - from.postgres) / items) * 1000).toFixed(1)} |`,
        ]
      : []),
  ].join('\n');
}
