/*
 * workflows/: the deterministic lifecycle. Entry point the worker bundles: every workflow type the task
 * queue serves. Imports only iwmo/ and calendar/ (pure) and type-only activity contracts.
 */
export { assignmentWorkflow } from './assignment/workflow';
export { claimsBatchWorkflow } from './claims/batch';
export { messagePollLoopWorkflow, messagePollWorkflow } from './messaging/poll';
