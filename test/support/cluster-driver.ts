import { setup, teardown } from './global-setup';

/*
 * Runs the integration layer's global setup on its own, as `npm test` would, for
 * test/integration/postgres-cluster.test.ts: prints one line `cluster-driver {"pid":…,"url":…}` once the
 * server is up, and runs the teardown when stdin closes. Killing it instead leaves a stale cluster,
 * as a killed test run does.
 */

const provided: Record<string, unknown> = {};
await setup({
  provide: (key: string, value: unknown) => {
    provided[key] = value;
  },
});
const url = provided.postgresAdminUrl;
process.stdout.write(`cluster-driver ${JSON.stringify({ pid: process.pid, url })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void teardown().then(() => process.exit(0));
});
