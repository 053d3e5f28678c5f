import { isValidDate, timePattern } from '../../iwmo/lexical';
import type { CorrectionEvent, RetourReceived, StartEvent, StopEvent, ToewijzingVersion } from './contract';

/*
 * Inside the workflow: is this argument the shape contract-schemas.ts describes? The API already checked
 * it with zod; these checks guard the workflow against any other caller, so that bad input is refused and
 * never fails a workflow task. They load no zod on purpose: the sandbox evaluates every imported module
 * again per cached workflow, and zod alone cost ~0.5 MiB each (bench/README.md). A unit test holds these
 * checks to the zod schemas' verdicts. Each returns the first problem as 'field: what is wrong'.
 */

type Problem = string | undefined;
type Check = (value: unknown) => Problem;
type Fields = Record<string, { check: Check; optional?: boolean }>;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const text =
  (min: number, max = Number.POSITIVE_INFINITY, pattern?: RegExp): Check =>
  (v) => {
    if (typeof v !== 'string') return 'must be text';
    if (v.length < min || v.length > max) return `must be ${min}–${max} characters`;
    return pattern && !pattern.test(v) ? `does not match ${pattern}` : undefined;
  };
const date: Check = (v) =>
  typeof v === 'string' && isValidDate(v) ? undefined : 'must be a date YYYY-MM-DD';
const integer =
  (min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): Check =>
  (v) =>
    Number.isInteger(v) && (v as number) >= min && (v as number) <= max
      ? undefined
      : `must be a whole number ${min}–${max}`;
const oneOf =
  (...values: string[]): Check =>
  (v) =>
    values.includes(v as string) ? undefined : `must be one of ${values.join(', ')}`;
const list =
  (item: Check): Check =>
  (v) => {
    if (!Array.isArray(v)) return 'must be a list';
    for (const [i, x] of v.entries()) {
      const problem = item(x);
      if (problem) return `${i}: ${problem}`;
    }
    return undefined;
  };
const object =
  (fields: Fields, strict = false): Check =>
  (v) => {
    if (!isObject(v)) return 'must be an object';
    if (strict) {
      const extra = Object.keys(v).find((k) => !(k in fields));
      if (extra) return `${extra}: is not a field of this event`;
    }
    for (const [name, { check, optional }] of Object.entries(fields)) {
      if (v[name] === undefined) {
        if (optional) continue;
        return `${name}: is required`;
      }
      const problem = check(v[name]);
      if (problem) return `${name}: ${problem}`;
    }
    return undefined;
  };
const opt = (check: Check) => ({ check, optional: true });
const req = (check: Check) => ({ check });

const eventId = req(text(1, 100));

const startShape = object({ eventId, begindatum: req(date) }, true);
const stopShape = object(
  { eventId, einddatum: req(date), redenBeeindiging: req(text(2, 2, /^[0-9]{2}$/)) },
  true,
);
const correctionShape = object(
  {
    eventId,
    target: req(oneOf('start', 'stop')),
    statusAanlevering: req(oneOf('2', '3')),
    begindatum: req(date),
    einddatum: opt(date),
    replacement: opt(object({ begindatum: opt(date), einddatum: opt(date), redenBeeindiging: opt(text(0)) })),
  },
  true,
);
const versionShape = object({
  messageId: req(text(1)),
  berichtIdentificatie: req(text(1, 12)),
  gemeente: req(text(4, 4, /^[0-9]{4}$/)),
  aanbieder: req(text(8, 8, /^[0-9]{8}$/)),
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
  start: (v: unknown): Problem => startShape(v),
  stop: (v: unknown): Problem => stopShape(v),
  correction: (v: unknown): Problem => correctionShape(v),
  toewijzing: (v: unknown): Problem => versionShape(v),
  retour: (v: unknown): Problem => retourShape(v),
  outboxDelivered: (v: unknown): Problem => outboxDeliveredShape(v),
};

export type ShapeOf = {
  start: StartEvent;
  stop: StopEvent;
  correction: CorrectionEvent;
  toewijzing: ToewijzingVersion;
  retour: RetourReceived;
};
