import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/*
 * Workers in processes of their own (test/support/worker-process.ts), as a production deployment runs
 * several on one task queue: started, SIGKILLed and started again by a test or the chaos script.
 * No vitest import: bench/chaos.ts uses it too.
 */

export interface WorkerChildOptions {
  taskQueue: string;
  /** The workflow bundle as a file (bundleWorkflowCode → writeFile), so a restart takes a second. */
  bundlePath: string;
  temporalAddress: string;
  namespace: string;
  databaseUrl: string;
  simulatorUrl: string;
  /** Files of the aanbieder's client certificate, key and the CA. */
  tls: { cert: string; key: string; ca: string };
  payloadKeyId: string;
  payloadKey: string;
  refSecret: string;
  transportTimeoutMs?: number;
  /** A file the inbound path reads "today" from (worker-process.ts); absent = the clock. */
  todayFile?: string;
}

export interface WorkerChild {
  readonly name: string;
  readonly pid: number | undefined;
  /** SIGKILL, and wait until the process is gone. */
  kill(): Promise<void>;
  /** SIGKILL if running, then a fresh process; resolves once it polls. */
  restart(): Promise<void>;
  /** SIGTERM (a clean shutdown), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  stderr(): string;
}

const entry = join(import.meta.dirname, 'worker-process.ts');

function spawnOne(o: WorkerChildOptions): { child: ChildProcess; ready: Promise<void>; err: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: {
      ...process.env,
      FAULT_TASK_QUEUE: o.taskQueue,
      FAULT_WORKFLOW_BUNDLE: o.bundlePath,
      FAULT_TEMPORAL_ADDRESS: o.temporalAddress,
      FAULT_NAMESPACE: o.namespace,
      FAULT_DATABASE_URL: o.databaseUrl,
      FAULT_SIMULATOR_URL: o.simulatorUrl,
      FAULT_TLS_CERT: o.tls.cert,
      FAULT_TLS_KEY: o.tls.key,
      FAULT_TLS_CA: o.tls.ca,
      FAULT_TRANSPORT_TIMEOUT_MS: String(o.transportTimeoutMs ?? 5000),
      FAULT_PAYLOAD_KEY_ID: o.payloadKeyId,
      FAULT_PAYLOAD_KEY: o.payloadKey,
      FAULT_REF_SECRET: o.refSecret,
      ...(o.todayFile ? { FAULT_TODAY_FILE: o.todayFile } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-20_000);
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('worker-ready')) resolve();
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`worker process exited (${code ?? signal}): ${stderr.slice(-2000)}`)),
    );
  });
  // A rejection after ready (a later exit) is expected: nobody waits for it.
  ready.catch(() => undefined);
  return { child, ready, err: () => stderr };
}

/** Resolves once `child` has exited (at once if it already has). */
export function gone(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts a worker process; resolves once it polls the task queue. */
export async function startWorkerChild(name: string, options: WorkerChildOptions): Promise<WorkerChild> {
  const proc = await restartable(() => spawnOne(options));
  return {
    name,
    get pid() {
      return proc.pid;
    },
    kill: proc.kill,
    restart: proc.restart,
    stop: proc.stop,
    stderr: () => proc.current().err(),
  };
}

/** A child process that is started, SIGKILLed and started again as one: the chaos run's unit. */
export async function restartable<S extends { child: ChildProcess; ready: Promise<void> }>(spawnIt: () => S) {
  let current = spawnIt();
  await current.ready;
  const kill = async () => {
    const exited = gone(current.child);
    current.child.kill('SIGKILL');
    await exited;
  };
  return {
    current: () => current,
    get pid() {
      return current.child.pid;
    },
    kill,
    async restart() {
      await kill();
      current = spawnIt();
      await current.ready;
    },
    async stop(graceMs = 10_000) {
      const exited = gone(current.child);
      current.child.kill('SIGTERM');
      const timer = setTimeout(() => current.child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
