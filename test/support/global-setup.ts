import type { TestProject } from 'vitest/node';
import { type Cluster, startCluster } from './postgres-cluster';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the PostgreSQL server the integration tests create their databases on. */
    postgresAdminUrl: string;
  }
}

let cluster: Cluster | undefined;

/** Integration layer: one real PostgreSQL for the run (DATABASE_URL, or a throwaway cluster). */
export async function setup(project: TestProject): Promise<void> {
  const existing = process.env.DATABASE_URL;
  if (existing) {
    project.provide('postgresAdminUrl', existing);
    return;
  }
  cluster = await startCluster();
  console.log(`[test] PostgreSQL throwaway cluster at ${cluster.url}`);
  project.provide('postgresAdminUrl', cluster.url);
}

export async function teardown(): Promise<void> {
  cluster?.stop();
}
