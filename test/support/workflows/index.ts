/*
 * The workflows entry of the tests: every production workflow (workflows/index.ts) plus the test-only
 * smoke workflow. Production bundles workflows/index.ts, which does not ship smoke.
 */
export * from '../../../workflows';
export { claimOutcomeReceiverWorkflow } from './claim-outcomes';
export { smokeWorkflow } from './smoke';
