import { fileURLToPath } from 'node:url';
import { type NativeConnection, Worker } from '@temporalio/worker';
import type { Activities } from '../activities';

/** Source of the workflow bundle; the SDK bundles it (deterministic sandbox, no Node built-ins). */
export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
}

export function createWorker(options: WorkerOptions): Promise<Worker> {
  return Worker.create({ ...options, workflowsPath });
}
