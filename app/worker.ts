import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { type NativeConnection, Worker } from '@temporalio/worker';
import type { Activities } from '../activities';

/** Source of the workflow bundle; the SDK bundles it (deterministic sandbox, no Node built-ins). */
export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  /** The service's payload encryption (security/dataConverterFor); every Client must use the same. */
  dataConverter?: DataConverter;
}

export function createWorker(options: WorkerOptions): Promise<Worker> {
  return Worker.create({ ...options, workflowsPath });
}
