/*
 * Why the request workflow refuses a resend, by rule, with the retour code the standard attaches. The
 * update's validator throws with one of these: the caller hears the rule at once, the event never enters
 * the history and the workflow never fails. Texts name no client data.
 */

export const requestRefusalRules = {
  Schema: { retourCode: '0001', text: 'het verzoek heeft niet de vorm van een ResendEvent' },
  TR374: {
    retourCode: '9374',
    text: 'er is al een onderhanden verzoek met deze ReferentieAanbieder: opnieuw versturen kan alleen na een afkeurend 316/318-retour',
  },
  TR347: {
    retourCode: '9347',
    text: 'dit verzoek is afgehandeld; ReferentieAanbieder is uniek per aanbieder, een nieuw verzoek krijgt een nieuwe',
  },
  Ongewijzigd: {
    retourCode: '0001',
    text: 'de verbeterde versie is hetzelfde opgeslagen verzoek als een eerder verstuurde: verbeter het verzoek eerst',
  },
  Soort: {
    retourCode: '0001',
    text: 'een verzoek om wijziging (317) noemt de toewijzingnummers, een 315 het product',
  },
} as const;

export type RequestRefusalRule = keyof typeof requestRefusalRules;

/** What a refusal carries in its details: the rule and its retour code. */
export interface RequestRefusalDetails {
  rule: RequestRefusalRule;
  retourCode: string;
}
