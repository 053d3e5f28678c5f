import type { IsoDate } from '../../calendar/iso-date';
import type { AssignmentState, CorrectionEvent, StartEvent, StopEvent } from '../../contract/assignment';
import { redenBeeindigingLabels } from '../../iwmo/code-labels';
import { currentDelivery, findDelivery } from './deliveries';
import { refuse } from './refusal';

/*
 * The rules a lifecycle event must meet before the workflow accepts it, as pure checks over the state.
 * Each throws a refusal naming the standard's rule (refusal.ts); the update's validator calls them, so a
 * refused event never enters the history.
 */

type LifecycleView = Pick<AssignmentState, 'status' | 'toewijzing' | 'deliveries'>;

const redenBeeindigingCodes = redenBeeindigingLabels;

/** Start of care (→ 305): linked, inside the toewijzing, not in the future, no current start (TR326), new key (TR074). */
export function checkStart(s: LifecycleView, e: StartEvent, today: IsoDate): void {
  requireLinked(s);
  requireWithinToewijzing(s, e.begindatum);
  if (e.begindatum > today) refuse('Toekomst', `Begindatum ${e.begindatum}`);
  const current = currentDelivery(s.deliveries);
  const stopped = !!current?.stop && current.stop.status !== 'deleted' && current.stop.status !== 'rejected';
  if (current && !stopped && current.start.status !== 'rejected') {
    refuse('TR326', `actuele start ${current.begindatum}`);
  }
  if (current && stopped && e.begindatum <= (current.einddatum ?? '')) {
    refuse('TR326', `nieuwe Begindatum moet na de stop van ${current.einddatum} liggen`);
  }
  if (
    s.deliveries.some(
      (d) => d.begindatum === e.begindatum && d.start.status !== 'deleted' && d.start.status !== 'rejected',
    )
  ) {
    refuse('TR074', `start ${e.begindatum}`);
  }
}

/** Stop of care (→ 307): a current start (TR382), after it (TR018), and the 3.2 temporary-stop rules (TR413–TR415). */
export function checkStop(s: LifecycleView, e: StopEvent, today: IsoDate): void {
  requireLinked(s);
  if (!(e.redenBeeindiging in redenBeeindigingCodes))
    refuse('RedenBeeindiging', `code ${e.redenBeeindiging}`);
  const current = currentDelivery(s.deliveries);
  if (!current || current.start.status === 'deleted' || current.start.status === 'rejected') refuse('TR382');
  if (e.einddatum < current.begindatum)
    refuse('TR018', `Begindatum ${current.begindatum}, Einddatum ${e.einddatum}`);
  if (e.einddatum > today && e.redenBeeindiging !== '20') {
    // A planned end is reported when it has happened; the toewijzing's own end is already known.
    refuse('Toekomst', `Einddatum ${e.einddatum}`);
  }
  const stop = current.stop;
  if (!stop || stop.status === 'deleted' || stop.status === 'rejected') return;
  if (current.redenBeeindiging !== '20') refuse('TR415', `start ${current.begindatum}`);
  if (e.redenBeeindiging === '20') refuse('TR413');
  if (e.einddatum < (current.einddatum ?? '')) refuse('TR414', `actuele stop ${current.einddatum}`);
}

/** StatusAanlevering 3 of an earlier start or stop (TR063, TR071), never 2 (CS058), and a sound replacement. */
export function checkCorrection(s: LifecycleView, e: CorrectionEvent, today: IsoDate): void {
  if (e.statusAanlevering === '2') refuse('CS058');
  requireLinked(s);
  const delivery = findDelivery(s.deliveries, e);
  if (!delivery) refuse('TR063', `${e.target} ${e.begindatum}`);
  if (e.target === 'start' && delivery.stop && delivery.stop.status !== 'deleted') refuse('TR071');
  const r = e.replacement;
  if (!r) return;
  if (e.target === 'start') {
    if (!r.begindatum) refuse('TR019', 'replacement needs a begindatum');
    requireWithinToewijzing(s, r.begindatum);
    if (r.begindatum > today) refuse('Toekomst', `Begindatum ${r.begindatum}`);
  } else {
    if (!r.einddatum || !r.redenBeeindiging)
      refuse('TR018', 'replacement needs einddatum and redenBeeindiging');
    if (!(r.redenBeeindiging in redenBeeindigingCodes))
      refuse('RedenBeeindiging', `code ${r.redenBeeindiging}`);
    if (r.einddatum < delivery.begindatum) refuse('TR018', `Begindatum ${delivery.begindatum}`);
  }
}

function requireLinked(s: LifecycleView): void {
  if (s.status === 'verwijderd') refuse('TR019', 'de toewijzing is verwijderd (RedenWijziging 13)');
}

function requireWithinToewijzing(s: LifecycleView, date: IsoDate): void {
  const t = s.toewijzing;
  if (date < t.ingangsdatum || (t.einddatum !== undefined && date > t.einddatum)) {
    refuse(
      'TR019',
      `Begindatum ${date} ligt buiten de toewijzing ${t.ingangsdatum}–${t.einddatum ?? 'open'}`,
    );
  }
}
