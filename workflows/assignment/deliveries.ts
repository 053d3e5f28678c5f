import type { IsoDate } from '../../calendar/iso-date';
import type { CorrectionEvent, DeliveryState } from '../../contract/assignment';

/*
 * Questions about an assignment's deliveries (start/stop of care), pure over the plain state: which one
 * is current, whether care runs, and over which days care was given (for the claims hook).
 */

/** The delivery a correction is about: its start by Begindatum, or its stop by Begindatum (+ Einddatum). */
export function findDelivery(deliveries: DeliveryState[], e: CorrectionEvent): DeliveryState | undefined {
  return deliveries.find((d) => {
    if (d.begindatum !== e.begindatum) return false;
    if (e.target === 'start') return d.start.status !== 'deleted' && d.start.status !== 'rejected';
    return (
      !!d.stop && d.stop.status !== 'deleted' && (e.einddatum === undefined || d.einddatum === e.einddatum)
    );
  });
}

/** The newest delivery whose start still stands. */
export function currentDelivery(deliveries: DeliveryState[]): DeliveryState | undefined {
  return [...deliveries].reverse().find((d) => d.start.status !== 'deleted');
}

/** A delivery that started and has no (non-deleted) stop. */
export function runningDelivery(deliveries: DeliveryState[]): DeliveryState | undefined {
  const d = currentDelivery(deliveries);
  return d && d.start.status !== 'rejected' && (!d.stop || d.stop.status === 'deleted') ? d : undefined;
}

/** Care was reported started at least once (a deleted start does not count). */
export function startedEver(deliveries: DeliveryState[]): boolean {
  return deliveries.some((d) => d.start.status !== 'deleted');
}

/** First and last day of care over all deliveries (open end while care runs). */
export function careWindow(
  deliveries: DeliveryState[],
  toewijzingEinddatum: IsoDate | undefined,
): { from: IsoDate; to?: IsoDate } | undefined {
  const live = deliveries.filter((d) => d.start.status !== 'deleted' && d.start.status !== 'rejected');
  if (live.length === 0) return undefined;
  const from = live.map((d) => d.begindatum).sort()[0] as IsoDate;
  // Only the newest delivery can still run: an older one ended, also when it ended with a temporary
  // stop that a restart followed.
  const last = live[live.length - 1] as DeliveryState;
  const running = !last.stop || last.stop.status === 'deleted' || last.redenBeeindiging === '20';
  const ends = live.map((d) => d.einddatum ?? '').sort();
  const to = running ? toewijzingEinddatum : ends[ends.length - 1];
  return to === undefined ? { from } : { from, to };
}
