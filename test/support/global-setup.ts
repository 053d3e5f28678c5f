import type { TestProject } from 'vitest/node';
import { type Cluster, startCluster } from './postgres-cluster';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the PostgreSQL server the integration tests create their databases on. */
    postgresAdminUrl: string;
  }
}

let cluster: Cluster | undefined;

/**
 * Integration layer: one real PostgreSQL for the run, TEST_DATABASE_URL or a throwaway cluster.
 * DATABASE_URL is deliberately ignored: it names the service's own database (README, .env.example),
 * and the tests create and drop databases on the server they get.
 */
export async function setup(project: Pick<TestProject, 'provide'>): Promise<void> {
  const dedicated = process.env.TEST_DATABASE_URL;
  if (dedicated) {
    project.provide('postgresAdminUrl', dedicated);
    return;
  }
  cluster = await startCluster();
  console.log(`[test] PostgreSQL throwaway cluster at ${cluster.url} (${cluster.dir})`);
  project.provide('postgresAdminUrl', cluster.url);
}

export async function teardown(): Promise<void> {
  cluster?.stop();
  cluster = undefined;
}
