/*
 * Text that PostgreSQL and XML can both carry. PostgreSQL's text refuses U+0000 (the query fails, so a
 * request answers 500 or an activity retries forever); XML 1.0 refuses the other C0 controls except tab,
 * LF and CR, U+FFFE/U+FFFF, and a surrogate that is not half of a pair (not a character: UTF-8 cannot
 * write it). Every string that comes from outside and may reach either — an API field, an eventId a
 * workflow keeps — is checked with this before it is taken. Pure and without zod, so workflow code can
 * import it (the API wraps it in a zod refinement, api/text.ts).
 */

import { forbiddenXmlChar } from './xml-chars';

/** Default bound on one text field from outside; callers pass tighter bounds where the field has one. */
export const defaultMaxTextLength = 1000;

export type TextRuleBroken = 'nul' | 'control-character' | 'lone-surrogate' | 'non-character' | 'too-long';

/** Why `text` cannot be carried, or undefined when it can. Length counts UTF-16 units, as zod's max does. */
export function carriableTextProblem(
  text: string,
  maxLength = defaultMaxTextLength,
): TextRuleBroken | undefined {
  if (text.length > maxLength) return 'too-long';
  const found = forbiddenXmlChar.exec(text)?.[0];
  if (found === undefined) return undefined;
  if (found === '\u0000') return 'nul';
  const code = found.charCodeAt(0);
  if (code < 0x20) return 'control-character';
  if (code >= 0xd800 && code <= 0xdfff) return 'lone-surrogate';
  return 'non-character';
}

/** The message of each broken rule: names the rule, never the text (it may hold a BSN or a name). */
export const textRuleMessages: Readonly<Record<TextRuleBroken, string>> = {
  nul: 'must not contain U+0000 (NUL)',
  'control-character': 'must not contain control characters other than tab, LF and CR',
  'lone-surrogate': 'must not contain a lone surrogate (not a Unicode character)',
  'non-character': 'must not contain U+FFFE or U+FFFF',
  'too-long': 'is too long',
};

export function isCarriableText(text: string, maxLength = defaultMaxTextLength): boolean {
  return carriableTextProblem(text, maxLength) === undefined;
}
