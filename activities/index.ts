import type { Database } from '../db';
import { createMessageActivities } from './messages';
import type { MessageCodec } from './messaging/codec';
import { createProjectionActivities } from './projection';

/** Real dependencies the worker binds; tests hand in a test database. */
export interface ActivityDeps {
  db: Database;
  /** XML work off the event loop (createCodecPool); default: in the calling thread. */
  codec?: MessageCodec;
}

/** Every activity the task queue serves. Workflows proxy `ReturnType<typeof createActivities>`. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createProjectionActivities(deps),
    ...createMessageActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
