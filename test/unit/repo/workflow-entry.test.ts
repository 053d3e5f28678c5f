import { describe, expect, it } from 'vitest';
import * as production from '../../../workflows';
import * as testEntry from '../../support/workflows';

/* Test-only workflows stay out of what the service's worker bundles (app/worker.ts workflowsPath). */
describe('workflow entry points', () => {
  const testOnly = ['smokeWorkflow', 'claimOutcomeReceiverWorkflow'];

  it('the production entry exports lifecycle workflows and no test workflow', () => {
    expect(Object.keys(production)).toContain('assignmentWorkflow');
    for (const name of testOnly) expect(Object.keys(production)).not.toContain(name);
  });

  it('the test entry is the production entry plus the test workflows', () => {
    expect(Object.keys(testEntry).sort()).toEqual([...Object.keys(production), ...testOnly].sort());
  });
});
