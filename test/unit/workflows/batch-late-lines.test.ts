import { describe, expect, it } from 'vitest';
import { type ClaimsBatchInput, claimsBatchWorkflowId } from '../../../contract/claims';
import { ClaimsBatch } from '../../../workflows/claims/state';
import { aanbieder, batchProfile, gemeente, handOversOf } from '../../support/claims-batch';

/*
 * Found by test/integration/claims-api-flow.test.ts and on `npm start` with claims-demo.json: a hand-over that
 * reaches the batch while its submitDeclaratie activity runs must not be marked 'ingediend' — it is not in
 * the 323, no 325 answers it, and its assignment would wait for an outcome for ever. `submitted()` hands
 * such lines back ('returned', the 323 went out), so the assignment gives them to a later batch.
 */

const maand = '2027-01';
const id = claimsBatchWorkflowId(aanbieder, gemeente, maand);
const input: ClaimsBatchInput = { aanbieder, gemeente, maand, profile: batchProfile };

describe('ClaimsBatch: a hand-over while the 323 is being submitted', () => {
  it('is not marked as sent in a 323 it is not in: it goes back to its assignment', () => {
    const [first, late] = handOversOf(2027, 1);
    if (!first || !late) throw new Error('no hand-overs');
    const b = new ClaimsBatch(input, id);
    expect(b.handOver(first).kind).toBe('added');
    const built = b.assemble('2027-02-04');
    if (!built.ok) throw new Error(JSON.stringify(built.findings));
    // submitDeclaratie is in flight: the workflow still takes hand-overs.
    b.handOver(late);
    b.submitted(built.input, { ok: true, outboxId: 'o1', identificatie: 'D0001', duplicate: false });
    const sentRefs = new Set(built.input.lines.map((l) => l.referentieNummer));
    const lateRefs = late.lines.map((l) => l.referentieNummer);
    const view = b.view();
    for (const ref of lateRefs) {
      expect(sentRefs.has(ref)).toBe(false);
      const line = view.lines.find((l) => l.referentieNummer === ref);
      // Either not a line of this 323 at all, or at least not one waiting for its 325.
      expect(line?.status).not.toBe('ingediend');
    }
  });
});
