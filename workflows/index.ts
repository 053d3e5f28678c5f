// Entry point the worker bundles: every workflow type the task queue serves.
export { smokeWorkflow } from './smoke';
