import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { failureConverterPath } from '../../security/payload-codec';
import type { TemporalTestEnv } from './temporal';

/** The test entry: production workflows plus test-only ones (smoke). */
export const testWorkflowsPath = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** Bundles the workflows once per test file; a worker per test then starts in milliseconds. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: testWorkflowsPath,
    failureConverterPath,
    logger: quietLogger,
  });
  return bundle;
}

const quietLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/**
 * A worker on a fresh task queue of `env`, with the given activities (real ones, or test doubles in
 * workflow tests). Pass `dataConverter` (security/dataConverterFor) to run with payload encryption; the
 * client talking to it then needs the same one. `taskQueue` fixes the queue's name (history recordings).
 */
export async function createTestWorker(
  env: TemporalTestEnv,
  activities: object = {},
  options: { dataConverter?: DataConverter; taskQueue?: string } = {},
) {
  const taskQueue = options.taskQueue ?? `test-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
    dataConverter: options.dataConverter,
  });
  return { worker, taskQueue };
}
