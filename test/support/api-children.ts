import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { ApiKeyConfig } from '../../api/api-keys';
import { repoRoot } from '../../app/temporal-binaries';
import { dataEnv } from './service';
import { restartable, type WorkerChildOptions } from './worker-children';

/*
 * API-only processes (`npm run api`: the real app/start.ts in the api role), as a production deployment
 * runs several behind a load balancer: started, SIGKILLed and started again on the same port by the chaos
 * script. They get the worker processes' Temporal server, database and secrets (the same options), and
 * the bearer keys the provider's system authenticates with. No vitest import: bench/chaos.ts uses it.
 */

export type ApiChildOptions = Pick<
  WorkerChildOptions,
  'taskQueue' | 'temporalAddress' | 'namespace' | 'databaseUrl' | 'payloadKeyId' | 'payloadKey' | 'refSecret'
> & {
  /** Loopback port the API listens on, the same after every restart (test/support/service.ts freePorts). */
  port: number;
  apiKeys: ApiKeyConfig[];
  /** Where anything the service would write by default goes (dev secrets, PGlite, …): not the checkout. */
  dataDir: string;
};

export interface ApiChild {
  readonly name: string;
  readonly url: string;
  readonly pid: number | undefined;
  /** SIGKILL, and wait until the process is gone. */
  kill(): Promise<void>;
  /** SIGKILL if running, then a fresh process; resolves once it listens. */
  restart(): Promise<void>;
  /** SIGTERM (the service's own clean stop), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** The tail of its output (JSON log lines). */
  output(): string;
}

const entry = join(repoRoot, 'app', 'start.ts');

function spawnOne(o: ApiChildOptions): { child: ChildProcess; ready: Promise<void>; out: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, 'api'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      ...dataEnv(o.dataDir),
      HOST: '127.0.0.1',
      PORT: String(o.port),
      TEMPORAL_ADDRESS: o.temporalAddress,
      TEMPORAL_NAMESPACE: o.namespace,
      TEMPORAL_TASK_QUEUE: o.taskQueue,
      DATABASE_URL: o.databaseUrl,
      PAYLOAD_KEYS: JSON.stringify([{ id: o.payloadKeyId, key: o.payloadKey }]),
      PAYLOAD_KEY_ID: o.payloadKeyId,
      CLIENT_REF_SECRET: o.refSecret,
      API_KEYS: JSON.stringify(o.apiKeys),
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    const take = (d: Buffer) => {
      out = (out + d.toString()).slice(-20_000);
      if (out.includes('API listening on')) resolve();
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    child.once('exit', (code, signal) =>
      reject(new Error(`api process exited (${code ?? signal}): ${out.slice(-2000)}`)),
    );
  });
  // A rejection after ready (a later exit) is expected: nobody waits for it.
  ready.catch(() => undefined);
  return { child, ready, out: () => out };
}

/** Starts an API-only process; resolves once it listens on `options.port`. */
export async function startApiChild(name: string, options: ApiChildOptions): Promise<ApiChild> {
  const proc = await restartable(() => spawnOne(options));
  return {
    name,
    url: `http://127.0.0.1:${options.port}`,
    get pid() {
      return proc.pid;
    },
    kill: proc.kill,
    restart: proc.restart,
    stop: proc.stop,
    output: () => proc.current().out(),
  };
}
