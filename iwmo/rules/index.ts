import { isValidBsn } from '../identifiers';
import type { IwmoMessage } from '../messages';
import type { Finding } from '../problems';
import { checkDeclaratie, checkDeclaratieAntwoord } from './declaratie';
import { Findings } from './finding';
import { checkGeboortedatum } from './persoon';
import { checkStart, checkStop } from './start-stop';
import { checkToewijzing } from './toewijzing';
import { checkAntwoord, checkVerzoekOmToewijzing, checkVerzoekOmWijziging } from './verzoek';

/*
 * In-message rule checks (level 2: CD/CS/RS and the TRs that need only this message) plus the two
 * level 4 checks that need nothing but the message and today's date (TR135) or its own numbers (TR346).
 * Cross-message rules (a start without a toewijzing, a duplicate DeclaratieNummer, …) belong to the
 * workflows that hold the other messages. The same checks run on decode and before encode.
 */

export { rules } from './catalogue';

/** What a rule may need beyond the message: today's date for TR135 (pure: the caller passes it). */
export interface RuleContext {
  /** YYYY-MM-DD; when given, a Dagtekening after it breaks TR135 (8848). */
  today?: string;
}

interface ClientDates {
  Bsn: string;
  Geboortedatum?: { Datum: string; DatumGebruik?: string };
}

function checkHeaderAndClient(f: Findings, message: IwmoMessage, context: RuleContext): void {
  const dagtekening = message.bericht.Header.BerichtIdentificatie.Dagtekening;
  if (context.today)
    f.check(dagtekening <= context.today, 'TR135', '/Bericht/Header/BerichtIdentificatie/Dagtekening');
  const client =
    'Client' in message.bericht ? (message.bericht.Client as ClientDates | undefined) : undefined;
  if (!client || !['WMO301', 'WMO305', 'WMO307', 'WMO315', 'WMO317'].includes(message.type)) return;
  f.check(isValidBsn(client.Bsn), 'CS002', '/Bericht/Client/Bsn');
  const born = client.Geboortedatum;
  if (!born) return; // the 317 names no birth date
  f.check(born.Datum <= dagtekening, 'TR134', '/Bericht/Client/Geboortedatum/Datum');
  checkGeboortedatum(f, born, '/Bericht/Client/Geboortedatum', dagtekening);
}

function checkClaimBsns(f: Findings, clients: { Bsn: string }[], root: string): void {
  clients.forEach((c, i) => {
    f.check(isValidBsn(c.Bsn), 'CS002', `${root}/Client[${i + 1}]/Bsn`);
  });
}

export function checkRules(message: IwmoMessage, context: RuleContext = {}): Finding[] {
  const f = new Findings();
  checkHeaderAndClient(f, message, context);
  switch (message.type) {
    case 'WMO301':
      checkToewijzing(f, message.bericht);
      break;
    case 'WMO305':
      checkStart(f, message.bericht);
      break;
    case 'WMO307':
      checkStop(f, message.bericht);
      break;
    case 'WMO315':
      checkVerzoekOmToewijzing(f, message.bericht);
      break;
    case 'WMO317':
      checkVerzoekOmWijziging(f, message.bericht);
      break;
    case 'WMO319':
      checkAntwoord(f, message.bericht);
      break;
    case 'WMO323':
      checkClaimBsns(f, message.bericht.Declaratie.Clienten.Client, '/Bericht/Declaratie/Clienten');
      checkDeclaratie(f, message.bericht);
      break;
    case 'WMO325':
      checkClaimBsns(
        f,
        message.bericht.DeclaratieAntwoord?.Clienten?.Client ?? [],
        '/Bericht/DeclaratieAntwoord/Clienten',
      );
      checkDeclaratieAntwoord(f, message.bericht);
      break;
    default:
      // Retours 302/306/308/316/318/320 copy the heen content unchanged; their own checks are the XSD's.
      break;
  }
  return f.list;
}
