/*
 * The bench worker's workflows: the service's own (assignment, message poll) plus the baseline's
 * start + one activity, so both halves of bench/messaging.ts run on one worker with one configuration.
 */

export * from '../../workflows/index';
export { benchWorkflow } from '../dev-server/workflow';
