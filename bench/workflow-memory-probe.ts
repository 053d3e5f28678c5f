import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { assignmentWorkflowId } from '../contract/assignment';
import { gc } from './harness';
import { bounded, stubActivities, toewijzingFor, until } from './workflow-support';

/*
 * Run by bench/workflow.ts, one child per measurement: a worker for one workflow type ('assignment' or
 * 'bare') from one bundle, on a task queue of its own. It starts `warm` workflows (the bundle's first load and the
 * caches' growth are not per-workflow costs), waits until they sleep, takes a baseline after a full GC,
 * starts `n` more, waits until those sleep too, and measures again. Prints one JSON line.
 *
 * debugMode runs the workflows in this thread instead of a worker thread, so that process.memoryUsage()
 * sees their heap (a worker thread has a V8 heap of its own). The workflow code is the same;
 * only the isolate it runs in differs. With `workerThread` the workflows run as in production, and only
 * the RSS figure counts them (a cross-check of the heap figure).
 */

export interface ProbeConfig {
  /** What the report calls this measurement. */
  label: string;
  workflow: 'assignment' | 'bare';
  n: number;
  warm: number;
  address: string;
  codePath: string;
  /** First toewijzingnummer: workflow ids must not collide with another probe's on the same server. */
  offset: number;
  /** Run the workflows in a worker thread, as in production: then only the RSS figure sees them. */
  workerThread?: boolean;
}

export interface ProbeResult {
  label: string;
  n: number;
  cached: number;
  heapUsed: number;
  rss: number;
  external: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as ProbeConfig;
Runtime.install({ logger: new DefaultLogger('WARN') });

const calls = new Map<string, number>();
const count = (name: string) => calls.get(name) ?? 0;
const activities = stubActivities((name) => calls.set(name, count(name) + 1));
const taskQueue = `bench-memory-${process.pid}`;
const worker = await Worker.create({
  connection: await NativeConnection.connect({ address: config.address }),
  taskQueue,
  workflowBundle: { codePath: config.codePath },
  activities,
  debugMode: !config.workerThread,
  maxCachedWorkflows: config.n + config.warm + 50,
});
const running = worker.run();
const client = new Client({ connection: await Connection.connect({ address: config.address }) });

function startOne(i: number): Promise<unknown> {
  const nummer = config.offset + i;
  if (config.workflow === 'bare') {
    return client.workflow.start('bareWaitingWorkflow', { taskQueue, workflowId: `bench-bare-${nummer}` });
  }
  const { version, input } = toewijzingFor(nummer);
  return client.workflow.signalWithStart('assignmentWorkflow', {
    taskQueue,
    workflowId: assignmentWorkflowId(version.gemeente, nummer),
    args: [input],
    signal: 'toewijzing',
    signalArgs: [version],
  });
}

/** Every started workflow cached and asleep: for the assignment, after its 302 and read-model write. */
async function asleep(total: number): Promise<void> {
  await until(
    () =>
      worker.getStatus().numCachedWorkflows >= total &&
      (config.workflow === 'bare' || (count('sendMessage') >= total && count('recordAssignment') >= total)),
    `${total} ${config.workflow} workflows cached`,
  );
  // Then nothing in flight for a second: the last activity results have been handed to their workflows.
  let quietSince = Date.now();
  await until(() => {
    const s = worker.getStatus();
    if (s.numInFlightWorkflowActivations > 0 || s.numInFlightActivities > 0) quietSince = Date.now();
    return Date.now() - quietSince > 1000;
  }, 'a quiet worker');
}

async function settledMemory(): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 100));
  }
  return process.memoryUsage();
}

const startAll = (from: number, n: number) =>
  bounded(
    Array.from({ length: n }, (_, i) => () => startOne(from + i)),
    20,
  );

await startAll(0, config.warm);
await asleep(config.warm);
const before = await settledMemory();
await startAll(config.warm, config.n);
await asleep(config.warm + config.n);
const after = await settledMemory();

const result: ProbeResult = {
  label: config.label,
  n: config.n,
  cached: worker.getStatus().numCachedWorkflows,
  heapUsed: (after.heapUsed - before.heapUsed) / config.n,
  rss: (after.rss - before.rss) / config.n,
  external: (after.external - before.external) / config.n,
};
console.log(JSON.stringify(result));
worker.shutdown();
await running;
process.exit(0);
