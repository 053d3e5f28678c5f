import { referentieProblem } from '../../iwmo/referentie';
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
} from '../shape';
import type { RequestAntwoord, RequestHonoured, RequestInput, RequestRetour, ResendEvent } from './contract';

/*
 * Inside the workflow: is this argument the shape contract.ts describes? No zod (see contract/index.ts);
 * a unit test holds these checks to the zod schemas' verdicts (schemas.ts).
 */

const referentie: Check = (v) => (typeof v === 'string' ? referentieProblem(v) : 'must be text');
const product = object({ categorie: req(text(2, 2, /^[0-9]{2}$/)), code: opt(text(1, 5)) }, true);
const toewijzingNummer = integer(0, 999_999_999);
const messageId = req(text(1, 200));

const inputShape = object({
  kind: req(oneOf('315', '317')),
  aanbieder: req(agbCode),
  gemeente: req(gemeenteCode),
  referentieAanbieder: req(referentie),
  clientRef: req(text(1, 100)),
  payloadRef: req(text(1, 200)),
  product: opt(product),
  ingangsdatum: opt(date),
  toewijzingNummers: opt(list(toewijzingNummer, 1, 500)),
  profile: req(object({ id: req(text(1)) })),
});

const retourShape = object({
  messageId,
  messageType: req(oneOf('WMO316', 'WMO318')),
  heenIdentificatie: req(text(1, 12)),
  retourCodes: req(list(text(4, 4), 0, 100)),
  ontvangen: req(date),
});

const antwoordShape = object({
  messageId,
  verzoekAntwoord: req(oneOf('1', '2')),
  redenAfwijzingVerzoek: opt(text(1, 1, /^[1-9]$/)),
  ontvangen: req(date),
});

const honouredShape = object({
  messageId,
  toewijzingen: req(
    list(
      object({ toewijzingNummer: req(toewijzingNummer), assignmentWorkflowId: req(text(1, 200)) }),
      1,
      500,
    ),
  ),
  ontvangen: req(date),
});

const resendShape = object(
  {
    eventId: req(text(1, 100)),
    payloadRef: req(text(1, 200)),
    product: opt(product),
    ingangsdatum: opt(date),
    toewijzingNummers: opt(list(toewijzingNummer, 1, 500)),
  },
  true,
);

/** The first problem of a value against a contract shape; undefined when it fits. */
export const requestShapeProblem = {
  input: inputShape,
  retour: retourShape,
  antwoord: antwoordShape,
  honoured: honouredShape,
  resend: resendShape,
};

export type RequestShapeOf = {
  input: RequestInput;
  retour: RequestRetour;
  antwoord: RequestAntwoord;
  honoured: RequestHonoured;
  resend: ResendEvent;
};
