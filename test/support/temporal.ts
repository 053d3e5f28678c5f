import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { addSearchAttributes } from '../../app/search-attributes';
import { temporalCliPath, temporalTestServerPath } from '../../app/temporal-binaries';
import { customSearchAttributes } from '../../workflows/search-attributes';

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
