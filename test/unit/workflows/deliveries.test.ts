import { describe, expect, it } from 'vitest';
import type { DeliveryState } from '../../../contract/assignment';
import { careWindow } from '../../../workflows/assignment/deliveries';

const approved = { status: 'approved' as const };

describe('careWindow: the days with care, for the claims hook', () => {
  it('runs to the toewijzing end while care runs', () => {
    const running: DeliveryState[] = [{ begindatum: '2030-03-04', start: approved }];
    expect(careWindow(running, '2030-12-31')).toEqual({ from: '2030-03-04', to: '2030-12-31' });
  });

  it('ends at the definitive stop after a temporary stop and a restart', () => {
    // Found by the recorded histories: the first delivery's reason 20 kept care "running" to the end.
    const deliveries: DeliveryState[] = [
      {
        begindatum: '2030-03-04',
        einddatum: '2030-03-08',
        redenBeeindiging: '20',
        start: approved,
        stop: approved,
      },
      {
        begindatum: '2030-03-11',
        einddatum: '2030-03-18',
        redenBeeindiging: '19',
        start: approved,
        stop: approved,
      },
    ];
    expect(careWindow(deliveries, '2030-12-31')).toEqual({ from: '2030-03-04', to: '2030-03-18' });
  });

  it('keeps running through a temporary stop that nothing followed yet', () => {
    const deliveries: DeliveryState[] = [
      {
        begindatum: '2030-03-04',
        einddatum: '2030-03-08',
        redenBeeindiging: '20',
        start: approved,
        stop: approved,
      },
    ];
    expect(careWindow(deliveries, '2030-12-31')).toEqual({ from: '2030-03-04', to: '2030-12-31' });
  });

  it('has no window before care started', () => {
    expect(careWindow([], '2030-12-31')).toBeUndefined();
  });
});
