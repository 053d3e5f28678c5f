import type {
  CorrectionEvent,
  RetourReceived,
  StartEvent,
  StopEvent,
  ToewijzingVersion,
} from '../../contract/assignment';
import {
  agbCode,
  type Check,
  date,
  gemeenteCode,
  integer,
  list,
  object,
  oneOf,
  opt,
  req,
  text,
} from '../../contract/shape';
import { timePattern } from '../../iwmo/lexical';

/*
 * Inside the workflow: is this argument the shape contract/assignment/schemas.ts describes? The API already checked
 * it with zod; these checks guard the workflow against any other caller, so that bad input is refused and
 * never fails a workflow task. They load no zod on purpose: the sandbox evaluates every imported module
 * again per cached workflow, and zod alone cost ~0.5 MiB each (bench/README.md). A unit test holds these
 * checks to the zod schemas' verdicts. Each returns the first problem as 'field: what is wrong'.
 */

// An event update names the field it does not know (when that is a plain word) 'of this event'.
const event = (fields: Parameters<typeof object>[0]): Check =>
  object(fields, true, 'is not a field of this event');

const eventId = req(text(1, 100));

const startShape = event({ eventId, begindatum: req(date) });
const stopShape = event({ eventId, einddatum: req(date), redenBeeindiging: req(text(2, 2, /^[0-9]{2}$/)) });
const correctionShape = event({
  eventId,
  target: req(oneOf('start', 'stop')),
  statusAanlevering: req(oneOf('2', '3')),
  begindatum: req(date),
  einddatum: opt(date),
  replacement: opt(object({ begindatum: opt(date), einddatum: opt(date), redenBeeindiging: opt(text(0)) })),
});
const versionShape = object({
  messageId: req(text(1)),
  berichtIdentificatie: req(text(1, 12)),
  gemeente: req(gemeenteCode),
  aanbieder: req(agbCode),
  clientRef: req(text(1)),
  toewijzingNummer: req(integer(0, 999_999_999)),
  referentieAanbieder: opt(text(0, 36)),
  product: opt(object({ categorie: req(text(0)), code: opt(text(0)) })),
  toewijzingsdatum: req(date),
  toewijzingstijd: req(text(8, Number.POSITIVE_INFINITY, timePattern)),
  ingangsdatum: req(date),
  einddatum: opt(date),
  redenWijziging: opt(text(0)),
  omvang: opt(object({ volume: req(integer()), eenheid: req(text(0)), frequentie: req(text(0)) })),
  budget: opt(integer()),
  ontvangen: req(date),
});
const retourShape = object({
  messageId: req(text(1)),
  messageType: req(oneOf('WMO306', 'WMO308')),
  heenIdentificatie: req(text(1, 12)),
  retourCodes: req(list(text(0))),
  ontvangen: req(date),
});

const timestamp: Check = (v) =>
  typeof v === 'string' && v.length <= 40 && !Number.isNaN(Date.parse(v))
    ? undefined
    : 'must be an ISO 8601 timestamp';
const outboxDeliveredShape = object({
  outboxKey: req(text(1, 300)),
  deliveredAt: req(timestamp),
  downloadedAt: opt(timestamp),
});

/** The first problem of a value against an event's shape; undefined when it fits. */
export const shapeProblem = {
  start: startShape,
  stop: stopShape,
  correction: correctionShape,
  toewijzing: versionShape,
  retour: retourShape,
  outboxDelivered: outboxDeliveredShape,
};

export type ShapeOf = {
  start: StartEvent;
  stop: StopEvent;
  correction: CorrectionEvent;
  toewijzing: ToewijzingVersion;
  retour: RetourReceived;
};
