/*
 * Text that PostgreSQL and XML can both carry: the one rule for every string from outside. PostgreSQL's
 * text refuses U+0000 (the query fails, so a request answers 500 or an activity retries forever); XML 1.0
 * refuses the other C0 controls except tab, LF and CR, U+FFFE/U+FFFF, and a surrogate that is not half of
 * a pair (not a character: UTF-8 cannot write it). DEL (U+007F) is refused with the controls: XML allows
 * it, but no iWmo value holds it and a terminal obeys it. Every string that comes from outside and may
 * reach either — an API field, an eventId a workflow keeps — is checked with this before it is taken.
 * Pure and without zod, so workflow code can import it: the API wraps it in a zod refinement
 * (api/text.ts), the assignment workflow phrases it as its rule 'Tekst' (workflows/assignment/safe-text.ts).
 */

import { forbiddenXmlChar } from './xml-chars';

/** Default bound on one text field from outside; callers pass tighter bounds where the field has one. */
export const defaultMaxTextLength = 1000;

export type TextRuleBroken = 'nul' | 'control-character' | 'lone-surrogate' | 'non-character' | 'too-long';

/** A character the rule refuses: which rule, where (UTF-16 index) and its code unit. */
export interface UncarriableChar {
  rule: Exclude<TextRuleBroken, 'too-long'>;
  index: number;
  code: number;
}

/** The first character of `text` the rule refuses, or undefined when there is none. */
export function firstUncarriableChar(text: string): UncarriableChar | undefined {
  const xml = forbiddenXmlChar.exec(text)?.index ?? -1;
  const del = text.indexOf('\u007f');
  const index = xml < 0 || (del >= 0 && del < xml) ? del : xml;
  if (index < 0) return undefined;
  const code = text.charCodeAt(index);
  const rule =
    code === 0
      ? 'nul'
      : code < 0x20 || code === 0x7f
        ? 'control-character'
        : code >= 0xd800 && code <= 0xdfff
          ? 'lone-surrogate'
          : 'non-character';
  return { rule, index, code };
}

/** Why `text` cannot be carried, or undefined when it can. Length counts UTF-16 units, as zod's max does. */
export function carriableTextProblem(
  text: string,
  maxLength = defaultMaxTextLength,
): TextRuleBroken | undefined {
  if (text.length > maxLength) return 'too-long';
  return firstUncarriableChar(text)?.rule;
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
