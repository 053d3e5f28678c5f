import { rmSync } from 'node:fs';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { addSearchAttributes } from '../../app/search-attributes';
import { temporalCliPath, temporalTestServerPath } from '../../app/temporal-binaries';
import { customSearchAttributes } from '../../contract/search-attributes';
import { type FullServer, type FullServerOptions, startFullServer } from '../../scripts/temporal-server';

/*
 * The only way tests get a Temporal server. Both variants pass `executable: existing-path`: omitting
 * it makes the SDK download a server, which fails offline. Keep callers on this small interface so
 * the time-skipping test server can later be swapped for the real server's own time skipping.
 *
 * Pitfalls to design tests around:
 *  - time skips only while the test awaits a workflow result through env.client (or env.sleep);
 *    awaiting an update's result does not skip;
 *  - each call starts its own server process, so skipping in one file never affects another;
 *  - the time-skipping server has no Schedules: test those on the dev server.
 */

export type TemporalTestEnv = TestWorkflowEnvironment;

let runtimeInstalled = false;

/** Worker state chatter drowns test output; keep warnings and errors. Once per process. */
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed by an earlier test file in this worker process: keep that one.
  }
}

/** Time-skipping test server (Java SDK test server, native build), with our search attributes added. */
export async function createTimeSkippingEnv(): Promise<TemporalTestEnv> {
  quietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
  });
  await addSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}

/** Temporal CLI dev server (the real server, in memory), with our custom search attributes registered. */
export function createDevServerEnv(): Promise<TemporalTestEnv> {
  quietRuntime();
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      searchAttributes: [...customSearchAttributes],
      log: { format: 'pretty', level: 'error' },
    },
  });
}

/** The full server's environment: the same interface as the dev server's, plus its service processes. */
export type FullServerEnv = TemporalTestEnv & { fullServer: FullServer };

/**
 * The full Temporal server (scripts/temporal-server.ts): frontend, history, matching and worker as four
 * processes on fresh databases of the PostgreSQL server at `postgresUrl` (the integration layer's:
 * `inject('postgresAdminUrl')`), 4 history shards, our search attributes registered on SQL visibility.
 * `env.fullServer.services.history.kill('SIGKILL')` then `.restart()` simulates a crashed machine.
 * teardown() stops every service (SIGKILL after `stopGraceMs`), drops the databases and removes the
 * services' logs (kept when `logDir` is given).
 */
export async function createFullServerEnv(
  options: Omit<FullServerOptions, 'databases'> & { postgresUrl: string },
): Promise<FullServerEnv> {
  quietRuntime();
  const fullServer = await startFullServer({ stopGraceMs: 5_000, ...options });
  let env: TemporalTestEnv;
  try {
    env = await TestWorkflowEnvironment.createFromExistingServer({
      address: fullServer.address,
      namespace: fullServer.namespace,
    });
  } catch (err) {
    await fullServer.stop();
    await fullServer.dropDatabases();
    throw err;
  }
  const closeConnections = env.teardown.bind(env);
  return Object.assign(env, {
    fullServer,
    async teardown() {
      try {
        await closeConnections();
      } finally {
        await fullServer.stop();
        await fullServer.dropDatabases();
        // The services' logs matter only while the run lives (a start-up failure quotes their tail).
        if (!options.logDir) rmSync(fullServer.logDir, { recursive: true, force: true });
      }
    },
  });
}
