/*
 * Why a lifecycle event is refused, by the standard's rule (cross-message TRs for 305/307, iWmo 3.2), and
 * what kind of refusal it is. The workflow's validator throws it (workflows/assignment/refusal.ts) with
 * its rule, retour code and class in the failure's details; the API turns the class into a status
 * (api/assignment-access.ts `refusalStatus`). Texts name dates and codes only, never client data.
 *
 * The class: 'conflict' — the event is well-formed but conflicts with where the assignment is now (a
 * start while one runs, a stop without a start, a second definitive stop, …): the same event can be right
 * at another moment. 'invalid' — the event itself breaks a rule whatever the state (a date outside the
 * toewijzing or in the future, an unknown RedenBeeindiging, StatusAanlevering 2).
 */

export type RefusalClass = 'conflict' | 'invalid';

export const refusalRules = {
  TR019: {
    retourCode: '9019',
    class: 'invalid',
    text: 'de start of stop kan niet aan de toewijzing worden gekoppeld',
  },
  TR018: {
    retourCode: '0001',
    class: 'invalid',
    text: 'Einddatum van de stop moet gelijk aan of na de Begindatum liggen',
  },
  TR063: {
    retourCode: '9063',
    class: 'conflict',
    text: 'er is geen eerdere aanlevering met dezelfde sleutel om te verwijderen',
  },
  TR071: {
    retourCode: '9071',
    class: 'conflict',
    text: 'een start kan niet verwijderd worden zolang er een stop voor bestaat',
  },
  TR074: { retourCode: '9074', class: 'conflict', text: 'deze aanlevering is al eerder ontvangen' },
  TR326: {
    retourCode: '9326',
    class: 'conflict',
    text: 'er is al een actuele start die nog niet gestopt is',
  },
  TR382: { retourCode: '9069', class: 'conflict', text: 'er is geen actuele start om te stoppen' },
  TR413: {
    retourCode: '9413',
    class: 'conflict',
    text: 'na een tijdelijke stop (reden 20) moet de volgende stop definitief zijn',
  },
  TR414: {
    retourCode: '9414',
    class: 'conflict',
    text: 'Einddatum moet gelijk aan of na de Einddatum van de actuele (tijdelijke) stop liggen',
  },
  TR415: { retourCode: '9415', class: 'conflict', text: 'deze start is al definitief gestopt' },
  CS058: {
    retourCode: '0001',
    class: 'invalid',
    text: 'StatusAanlevering 2 (gewijzigde aanlevering) is niet toegestaan: verwijder met 3 en lever opnieuw aan met 1',
  },
  RedenBeeindiging: {
    retourCode: '0001',
    class: 'invalid',
    text: 'RedenBeeindiging is geen code uit WMO588',
  },
  Tekst: {
    retourCode: '0001',
    class: 'invalid',
    text: 'tekst zonder stuurtekens (behalve tab, LF, CR) en zonder losse surrogaten, begrensd in lengte',
  },
  Toekomst: {
    retourCode: '0001',
    class: 'invalid',
    text: 'een start of stop meldt wat gebeurd is: de datum ligt na vandaag',
  },
} as const satisfies Record<string, { retourCode: string; class: RefusalClass; text: string }>;

export type RefusalRule = keyof typeof refusalRules;

/** What a refused event's failure carries in its details[0]. */
export interface RefusalDetails {
  rule: string;
  retourCode: string;
  class: RefusalClass;
}

/** The class of a rule; a rule not in the table (e.g. 'Schema': a malformed event) is 'invalid'. */
export function refusalClass(rule: string): RefusalClass {
  return Object.hasOwn(refusalRules, rule) ? refusalRules[rule as RefusalRule].class : 'invalid';
}
