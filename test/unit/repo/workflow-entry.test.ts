import { describe, expect, it } from 'vitest';
import * as production from '../../../workflows';
import * as testEntry from '../../support/workflows';

/* Test-only workflows stay out of what the service's worker bundles (app/worker.ts workflowsPath). */
describe('workflow entry points', () => {
  it('the production entry exports the lifecycle workflows only', () => {
    expect(Object.keys(production).sort()).toEqual(['assignmentWorkflow', 'messagePollWorkflow']);
  });

  it('the test entry adds the smoke workflow to every production one', () => {
    expect(Object.keys(testEntry).sort()).toEqual([
      'assignmentWorkflow',
      'messagePollWorkflow',
      'smokeWorkflow',
    ]);
  });
});
