import type { RetourCode } from '../../codelists';

export interface RuleInfo {
  id: string;
  /** Retour code the standard attaches; '0001' when the source gives none for a CD/CS/RS rule. */
  retourCode: RetourCode;
  /** Controleniveau: 1 XSD, 2 XSLT (in-message), 3 berichtoverstijgend, 4 externe bron. */
  level?: 1 | 2 | 3 | 4;
  messages: string[];
  element: string;
  text: string;
  hint: string;
}
