/*
 * iWmo 3.2 in-message rules (condities CD, constraints CS, restricties RS and technische regels TR) for the
 * 14 iWmo 3.2 messages, with the retour code the standard attaches.
 *
 * Source: repository i-Sociaal-Lab/jaapjunior, commit f24e7c56fd4b748109cb1b59c20fae2cfb028619,
 *   packages/api/wmo/bronnen/regels/condities-constraints/" CD_CS_RS_per_dataelement" (leading space in the name),
 *   packages/api/wmo/bronnen/regels/technische-regels/{xslt,externe-bron,berichtoverstijgend}/TRnnn(.md),
 *   packages/api/wmo/bronnen/regels/invulinstructies/ (IV081, IV087, IV088, IV089),
 *   packages/api/wmo/bronnen/codelijsten/WJ001_Retourcode.md and packages/api/wmo/bronnen/xsd/*.xsd,
 *   which are copies of https://informatiemodel.istandaarden.nl/informatiemodel/iwmo/3.2/regels/.
 * Texts are short paraphrases, not quotes.
 *
 * Controleniveau (IV088): 1 = XSD (no retour message at all; the source gives no retour code, and '0001'
 * stands in for it), 2 = XSLT / in-message (Header-only retour with 0001), 3 = berichtoverstijgend,
 * 4 = externe bron (own code on the offending class). Cross-message (3) and external (4) rules are left out
 * except TR135 (system date), TR346 (amount = volume x tariff) and the 325 checks TR366/TR367.
 * 'WMO Retour' rows of the source are mapped to 302/306/308/316/318/320.
 */

import { conditions } from './conditions';
import { constraints } from './constraints';
import { restrictions } from './restrictions';
import { technical } from './technical';
import type { RuleInfo } from './types';

export type { RuleInfo } from './types';

export const rules: Record<string, RuleInfo> = {
  ...conditions,
  ...constraints,
  ...restrictions,
  ...technical,
};
