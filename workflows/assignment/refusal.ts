import { ApplicationFailure } from '@temporalio/workflow';
import { eventRefusedType } from './contract';

/*
 * Why a lifecycle event is refused, by the standard's rule (cross-message TRs for 305/307, iWmo 3.2).
 * Thrown from an update validator: the caller hears the rule at once and the event never enters history.
 * Texts name dates and codes only, never client data.
 */

export const refusalRules = {
  TR019: { retourCode: '9019', text: 'de start of stop kan niet aan de toewijzing worden gekoppeld' },
  TR018: { retourCode: '0001', text: 'Einddatum van de stop moet gelijk aan of na de Begindatum liggen' },
  TR063: {
    retourCode: '9063',
    text: 'er is geen eerdere aanlevering met dezelfde sleutel om te verwijderen',
  },
  TR071: { retourCode: '9071', text: 'een start kan niet verwijderd worden zolang er een stop voor bestaat' },
  TR074: { retourCode: '9074', text: 'deze aanlevering is al eerder ontvangen' },
  TR326: { retourCode: '9326', text: 'er is al een actuele start die nog niet gestopt is' },
  TR382: { retourCode: '9069', text: 'er is geen actuele start om te stoppen' },
  TR413: {
    retourCode: '9413',
    text: 'na een tijdelijke stop (reden 20) moet de volgende stop definitief zijn',
  },
  TR414: {
    retourCode: '9414',
    text: 'Einddatum moet gelijk aan of na de Einddatum van de actuele (tijdelijke) stop liggen',
  },
  TR415: { retourCode: '9415', text: 'deze start is al definitief gestopt' },
  CS058: {
    retourCode: '0001',
    text: 'StatusAanlevering 2 (gewijzigde aanlevering) is niet toegestaan: verwijder met 3 en lever opnieuw aan met 1',
  },
  RedenBeeindiging: { retourCode: '0001', text: 'RedenBeeindiging is geen code uit WMO588' },
  Tekst: {
    retourCode: '0001',
    text: 'tekst zonder stuurtekens (behalve tab, LF, CR) en zonder losse surrogaten, begrensd in lengte',
  },
  Toekomst: { retourCode: '0001', text: 'een start of stop meldt wat gebeurd is: de datum ligt na vandaag' },
} as const;

export type RefusalRule = keyof typeof refusalRules;

export function refuse(rule: RefusalRule, detail?: string): never {
  const { retourCode, text } = refusalRules[rule];
  throw ApplicationFailure.create({
    type: eventRefusedType,
    message: `${rule}: ${text}${detail ? ` (${detail})` : ''}`,
    details: [{ rule, retourCode }],
    nonRetryable: true,
  });
}
