import { describe, expect, it } from 'vitest';
import {
  type EscalationFacts,
  escalationPayload,
  escalationPayloadSchema,
} from '../../../activities/escalation-payload';
import { claimsBatchWorkflowId } from '../../../contract/claims';
import { requestWorkflowId } from '../../../contract/request/contract';

/*
 * The webhook's subject and link: a claims batch and a request escalate with toewijzingNummer 0, and their
 * link must point at the batch or the request, not at /assignments/{gemeente}/0.
 */

const links = { apiUrl: 'https://iwmo.example.nl', temporalUiUrl: 'https://ui.example.nl', namespace: 'wmo' };

function facts(workflowId: string, toewijzingNummer: number): EscalationFacts {
  return {
    id: '3f0a4f0e-8a4e-4d7a-9d5e-0c8a1b2c3d4e',
    createdAt: new Date('2030-03-04T08:00:00Z'),
    workflowId,
    gemeente: '0384',
    aanbieder: '42420001',
    toewijzingNummer,
    action: 'verstuur-325',
    rule: 'OP323',
    owner: 'gemeente',
    dueDate: '2030-03-01',
    lateWorkingDays: 1,
    recipients: ['gemeente'],
  };
}

describe('escalation payload subject', () => {
  it('links an assignment to the assignment, as before', () => {
    const p = escalationPayloadSchema.strict().parse(escalationPayload(facts('wmo:0384:4711', 4711), links));
    expect(p.data.subject).toEqual({ kind: 'assignment', toewijzingNummer: 4711 });
    expect(p.data.links.subject).toBe('https://iwmo.example.nl/v1/assignments/0384/4711');
    expect(p.data.links.assignment).toBe(p.data.links.subject);
  });

  it('links a claims batch to GET /v1/claims/batches/{workflowId}', () => {
    const id = claimsBatchWorkflowId('42420001', '0384', '2030-01');
    const p = escalationPayloadSchema.strict().parse(escalationPayload(facts(id, 0), links));
    expect(p.data.subject).toEqual({ kind: 'claims-batch', maand: '2030-01' });
    expect(p.data.links.subject).toBe(
      `https://iwmo.example.nl/v1/claims/batches/${encodeURIComponent('declaratie:42420001:0384:2030-01')}`,
    );
    expect(p.data.links.assignment).toBeUndefined();
    expect(JSON.stringify(p)).not.toContain('/assignments/0384/0');
  });

  it('links a request to GET /v1/requests/{aanbieder}/{referentie}', () => {
    const id = requestWorkflowId('42420001', 'REF-2030-0001');
    const p = escalationPayloadSchema.strict().parse(escalationPayload(facts(id, 0), links));
    expect(p.data.subject).toEqual({ kind: 'request', referentieAanbieder: 'REF-2030-0001' });
    expect(p.data.links.subject).toBe('https://iwmo.example.nl/v1/requests/42420001/REF-2030-0001');
    expect(p.data.links.assignment).toBeUndefined();
  });
});
