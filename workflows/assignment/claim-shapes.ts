import type { ConfirmCorrectionEvent, PaymentEvent, ReviseAwardedLineEvent } from '../../contract/assignment';
import type { ClaimLineOutcome } from '../../contract/claims';
import {
  type Check,
  date,
  integer,
  isObject,
  list,
  object,
  oneOf,
  opt,
  req,
  text,
} from '../../contract/shape';

/*
 * The shapes of the claims signals and updates, checked inside the workflow without zod (like
 * event-shapes.ts): a malformed argument is refused by the validator, or dropped from a signal, never
 * failing a workflow task. The rules beyond the shape (an unknown correction, a payment of 0) are the
 * ledger's (claims.ts), named by their own rule.
 */

const eventId = req(text(1, 100));
const periode = object({ begindatum: req(date), einddatum: req(date) });
const event = (fields: Parameters<typeof object>[0]): Check =>
  object(fields, true, 'is not a field of this event');

const confirmShape = event({
  eventId,
  correctionId: req(text(1, 100)),
  besluit: req(oneOf('bevestigen', 'opgeven')),
  wijziging: opt(object({ volume: opt(integer()), productPeriode: opt(periode) }, true)),
});
const reviseShape = event({
  eventId,
  referentieNummer: req(text(1, 20)),
  volume: req(integer(0)),
  productPeriode: opt(periode),
});
const paymentShape = event({
  eventId,
  betaaldatum: req(date),
  bedrag: req(integer()),
  kenmerk: opt(text(0, 35)),
});

const outcomeBase = {
  referentieNummer: req(text(1, 20)),
  batchWorkflowId: req(text(1, 100)),
};
const outcomeShapes: Record<string, Check> = {
  awarded: object({ ...outcomeBase, status: req(text(1)), bedrag: req(integer()) }),
  rejected: object({ ...outcomeBase, status: req(text(1)), retourCodes: req(list(text(4, 4))) }),
  returned: object({
    ...outcomeBase,
    status: req(text(1)),
    rule: req(text(1, 100)),
    reason: req(text(0, 1000)),
  }),
};
const outcomeShape: Check = (v) => {
  if (!isObject(v)) return 'must be an object';
  const check = outcomeShapes[String(v.status)];
  return check ? check(v) : 'status: must be awarded, rejected or returned';
};

export interface ClaimShapes {
  confirm: ConfirmCorrectionEvent;
  revise: ReviseAwardedLineEvent;
  payment: PaymentEvent;
  outcome: ClaimLineOutcome;
}

/** The first problem of a value against a claims signal's or update's shape; undefined when it fits. */
export const claimShapeProblem: { [K in keyof ClaimShapes]: Check } = {
  confirm: confirmShape,
  revise: reviseShape,
  payment: paymentShape,
  outcome: outcomeShape,
};
