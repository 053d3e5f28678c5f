/*
 * The floor for memory: the bare waiting workflow alone in its bundle, so each instance instantiates
 * nothing but the SDK's own modules.
 */
export { bareWaitingWorkflow } from './bare-workflow';
