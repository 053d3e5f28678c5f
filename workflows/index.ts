/*
 * workflows/: the deterministic lifecycle. Entry point the worker bundles: every workflow type the task
 * queue serves. Imports only contract/ (what workflows and activities agree on), iwmo/ and calendar/.
 */
export { assignmentWorkflow } from './assignment/workflow';
export { claimsBatchWorkflow } from './claims/batch';
export { messagePollLoopWorkflow, messagePollWorkflow } from './messaging/poll';
export { requestWorkflow } from './request/workflow';
