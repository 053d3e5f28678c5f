import { z } from 'zod';

/*
 * The bare waiting workflow in a bundle that also loads zod, as the assignment's does: the difference
 * to bare.ts is what zod's module scope costs every workflow instance (see bench/README.md).
 */
export { bareWaitingWorkflow } from './bare-workflow';

/** Used, so the bundler keeps the import. */
export const zodLoaded = z.string();
