import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ChildExit, childExit, describeExit, stopProcess } from '../app/dev-server';
import { holdsListeningPort } from '../app/ports';
import { repoRoot } from '../app/temporal-binaries';
import { type Databases, type PgTarget, startTimeoutMs, temporalServerHome } from './temporal-server-setup';

/*
 * One service of the full Temporal server (frontend, history, matching or worker) as a process of its
 * own, configured from config/temporal-server/config.yaml.tmpl through its environment.
 */

export const serviceNames = ['frontend', 'history', 'matching', 'worker'] as const;
export type ServiceName = (typeof serviceNames)[number];

const configFile = join(repoRoot, 'config', 'temporal-server', 'config.yaml.tmpl');
const dynamicConfigFile = join(repoRoot, 'config', 'temporal-server', 'dynamicconfig.yaml');

export interface ServiceProcess {
  readonly name: ServiceName;
  /** The current process's id (a restart changes it). */
  readonly pid: number;
  /** Settles when the current process exits. */
  readonly exited: Promise<ChildExit>;
  /** gRPC port: the process counts as up when it holds it. */
  readonly port: number;
  /** Sends a signal to the current process, e.g. SIGKILL to simulate a crashed machine. */
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after the grace period. */
  stop(): Promise<ChildExit>;
  /** Starts the service again (after a kill or stop) on the same ports, and waits until it listens. */
  restart(): Promise<void>;
}

export interface Ports {
  grpc: number;
  membership: number;
}

/** The config template's environment (config/temporal-server/config.yaml.tmpl names each variable). */
export function serverEnv(
  pg: PgTarget,
  dbs: Databases,
  shards: number,
  ports: Record<ServiceName, Ports>,
  http: number,
) {
  const env: Record<string, string> = {
    TEMPORAL_PG_ADDRESS: `${pg.host}:${pg.port}`,
    TEMPORAL_PG_USER: pg.user,
    TEMPORAL_PG_PASSWORD: pg.password,
    TEMPORAL_DB: dbs.temporal,
    TEMPORAL_VISIBILITY_DB: dbs.visibility,
    TEMPORAL_HISTORY_SHARDS: String(shards),
    TEMPORAL_BIND_IP: '127.0.0.1',
    TEMPORAL_FRONTEND_HTTP_PORT: String(http),
    TEMPORAL_DYNAMIC_CONFIG: dynamicConfigFile,
  };
  for (const name of serviceNames) {
    env[`TEMPORAL_${name.toUpperCase()}_PORT`] = String(ports[name].grpc);
    env[`TEMPORAL_${name.toUpperCase()}_MEMBERSHIP_PORT`] = String(ports[name].membership);
  }
  return env;
}

function logTail(file: string): string {
  try {
    const lines = readFileSync(file, 'utf8').trim().split('\n').slice(-3);
    return lines.map((l) => l.slice(0, 400)).join('\n');
  } catch {
    return '';
  }
}

/** One service as a process of its own; restart() brings the same service back on the same ports. */
export function serviceProcess(
  name: ServiceName,
  port: number,
  env: Record<string, string>,
  logDir: string,
  graceMs: number,
): ServiceProcess & { started: Promise<void> } {
  const server = join(temporalServerHome(), 'bin', 'temporal-server');
  const args = ['--config-file', configFile, '--allow-no-auth', 'start', '--service', name];
  const log = join(logDir, `${name}.log`);
  let child: ChildProcess;
  let exited: Promise<ChildExit>;

  const launch = async (): Promise<void> => {
    const fd = openSync(log, 'a');
    try {
      child = spawn(server, args, {
        cwd: repoRoot,
        env: { ...process.env, ...env },
        stdio: ['ignore', fd, fd],
      });
    } finally {
      closeSync(fd);
    }
    exited = childExit(child);
    // Last resort for any exit path that skips stop(): never leave a service holding its ports.
    const current = child;
    const killOnExit = () => current.kill('SIGKILL');
    process.once('exit', killOnExit);
    void exited.then(() => process.off('exit', killOnExit));
    await untilListening(current, exited);
  };

  const untilListening = async (current: ChildProcess, done: Promise<ChildExit>) => {
    let exit: ChildExit | undefined;
    void done.then((e) => {
      exit = e;
    });
    const deadline = Date.now() + startTimeoutMs;
    while (Date.now() < deadline) {
      if (exit)
        throw new Error(`Temporal ${name} exited during start-up (${describeExit(exit)}): ${logTail(log)}`);
      if (holdsListeningPort(current.pid as number, port)) return;
      await sleep(100);
    }
    throw new Error(`Temporal ${name} did not listen on port ${port} within ${startTimeoutMs / 1000} s`);
  };

  const started = launch();
  return {
    name,
    port,
    started,
    get pid() {
      return child.pid ?? 0;
    },
    get exited() {
      return exited;
    },
    kill: (signal) => void child.kill(signal),
    stop: () => stopProcess(child, graceMs, exited),
    async restart() {
      await stopProcess(child, graceMs, exited);
      await launch();
    },
  };
}
