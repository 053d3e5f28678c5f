import type { Database } from '../db';
import { createClaimActivities } from './claims';
import { createProjectionActivities } from './projection';

/** Real dependencies the worker binds; tests hand in a test database. */
export interface ActivityDeps {
  db: Database;
}

/** Every activity the task queue serves. Workflows proxy `ReturnType<typeof createActivities>`. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createProjectionActivities(deps),
    ...createClaimActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
