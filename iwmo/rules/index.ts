import type { IwmoMessage } from '../messages';
import type { Finding } from '../problems';

/** What a rule may need beyond the message: today's date for TR135 (pure: the caller passes it). */
export interface RuleContext {
  /** YYYY-MM-DD; when given, a Dagtekening after it breaks TR135. */
  today?: string;
}

export function checkRules(_message: IwmoMessage, _context: RuleContext = {}): Finding[] {
  return [];
}
