import { describe, expect, it } from 'vitest';
import type { AssignmentState, DeliveryState } from '../../../contract/assignment';
import { checkCorrection, checkStart, checkStop } from '../../../workflows/assignment/event-rules';

/*
 * The lifecycle rules on plain state, without Temporal: each refusal names its rule first, so the API
 * can answer with it. (The same rules run inside the workflow's update validators.)
 */

const toewijzing = {
  messageId: 'm1',
  berichtIdentificatie: 'B1',
  gemeente: '0363',
  aanbieder: '12345678',
  clientRef: 'c_x',
  toewijzingNummer: 7,
  toewijzingsdatum: '2026-01-01',
  toewijzingstijd: '09:00:00',
  ingangsdatum: '2026-01-01',
  einddatum: '2026-12-31',
  ontvangen: '2026-01-01',
};

function view(deliveries: DeliveryState[] = [], status: AssignmentState['status'] = 'toegewezen') {
  return { status, toewijzing, deliveries };
}

const refusal = (fn: () => void) => {
  try {
    fn();
  } catch (err) {
    return (err as Error).message.split(':')[0];
  }
  return 'accepted';
};

const running: DeliveryState = { begindatum: '2026-02-01', start: { status: 'approved' } };
const temporary: DeliveryState = {
  begindatum: '2026-02-01',
  einddatum: '2026-03-01',
  redenBeeindiging: '20',
  start: { status: 'approved' },
  stop: { status: 'approved' },
};

describe('start of care', () => {
  it.each([
    ['inside the toewijzing', view(), '2026-02-01', 'accepted'],
    ['before the Ingangsdatum', view(), '2025-12-31', 'TR019'],
    ['after the Einddatum', view(), '2027-01-01', 'TR019'],
    ['in the future', view(), '2026-06-02', 'Toekomst'],
    ['while a start is current', view([running]), '2026-03-01', 'TR326'],
    ['after a temporary stop, later than its end', view([temporary]), '2026-03-05', 'accepted'],
    ['after a temporary stop, before its end', view([temporary]), '2026-02-15', 'TR326'],
    ['on a deleted toewijzing', view([], 'verwijderd'), '2026-02-01', 'TR019'],
  ])('%s', (_, state, begindatum, expected) => {
    expect(refusal(() => checkStart(state, { eventId: 'e', begindatum }, '2026-06-01'))).toBe(expected);
  });
});

describe('stop of care', () => {
  const stop = (einddatum: string, redenBeeindiging = '19') => ({
    eventId: 'e',
    einddatum,
    redenBeeindiging,
  });
  it.each([
    ['after a current start', view([running]), stop('2026-03-01'), 'accepted'],
    ['without a start', view(), stop('2026-03-01'), 'TR382'],
    ['before the start', view([running]), stop('2026-01-15'), 'TR018'],
    ['with an unknown reason', view([running]), stop('2026-03-01', '99'), 'RedenBeeindiging'],
    ['definitive after temporary, later', view([temporary]), stop('2026-03-10'), 'accepted'],
    ['definitive after temporary, earlier', view([temporary]), stop('2026-02-20'), 'TR414'],
    ['temporary after temporary', view([temporary]), stop('2026-03-10', '20'), 'TR413'],
    [
      'after a definitive stop',
      view([{ ...temporary, redenBeeindiging: '19' }]),
      stop('2026-03-10'),
      'TR415',
    ],
  ])('%s', (_, state, event, expected) => {
    expect(refusal(() => checkStop(state, event, '2026-06-01'))).toBe(expected);
  });
});

describe('corrections', () => {
  const base = { eventId: 'e', begindatum: '2026-02-01' };
  it.each([
    ['delete a start', view([running]), { ...base, target: 'start', statusAanlevering: '3' }, 'accepted'],
    ['StatusAanlevering 2', view([running]), { ...base, target: 'start', statusAanlevering: '2' }, 'CS058'],
    ['nothing to delete', view(), { ...base, target: 'start', statusAanlevering: '3' }, 'TR063'],
    [
      'a start that has a stop',
      view([temporary]),
      { ...base, target: 'start', statusAanlevering: '3' },
      'TR071',
    ],
    ['delete a stop', view([temporary]), { ...base, target: 'stop', statusAanlevering: '3' }, 'accepted'],
  ] as const)('%s', (_, state, event, expected) => {
    expect(refusal(() => checkCorrection(state, event, '2026-06-01'))).toBe(expected);
  });
});
