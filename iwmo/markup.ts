import type { DecodeErrorKind } from './problems';
import { forbiddenXmlChar, isXmlChar, xmlName } from './xml-chars';

/*
 * The markup checks made on the text before it is parsed, because fast-xml-parser lets these through:
 * a DOCTYPE (refused: no entity expansion, no external entities), other markup declarations, the
 * syntax of comments, processing instructions and the XML declaration, "]]>" outside a CDATA section,
 * undefined entities, references to characters XML forbids, forbidden characters themselves, anything
 * but comments after the root element, and Unicode spaces inside a tag.
 *
 * One left-to-right scan. Comments, CDATA sections and processing instructions are stepped over whole,
 * so text inside them is never mistaken for markup: a comment that mentions <!DOCTYPE is a comment.
 * Ordinary tags are not matched at all, which keeps the scan cheap on large messages.
 */

export interface MarkupProblem {
  kind: Extract<DecodeErrorKind, 'forbidden-dtd' | 'malformed-xml'>;
  /** XML-DTD, XML-CHAR (WFC Legal Character), XML-ENTITY (WFC Entity Declared) or XML-WELLFORMED. */
  rule: string;
  /** Offset of the offending markup in the text. */
  index: number;
  /** What is wrong, in Dutch, without quoting content. */
  what: string;
  hint: string;
}

/**
 * Characters JavaScript counts as whitespace and XML does not (§2.3: S is space, tab, LF and CR).
 * fast-xml-parser lets them separate a tag's name from its attributes; XML does not.
 */
const unicodeSpace = '\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000\uFEFF';
const token = new RegExp(
  [
    '<!--([\\s\\S]*?)-->', // comment
    '<!\\[CDATA\\[[\\s\\S]*?\\]\\]>', // CDATA section
    '<\\?([^ \\t\\r\\n?]*)[\\s\\S]*?\\?>', // processing instruction (or XML declaration) and its target
    // A '<?' without '?>' after it. Matching it as a token ends the scan at the first one; without it the
    // lazy alternative above ran to the end of the text again at every '<?' (quadratic: 100 KB of '<?'
    // took 1.7 s). Comments and CDATA need no such token: '<!' below meets their failure.
    '<\\?',
    '<!', // any other markup declaration
    '\\]\\]>',
    '&[^&< \\t\\r\\n;]*;?', // a reference, or a bare &
    `[${unicodeSpace}]`,
  ].join('|'),
  'g',
);
const predefinedEntity = /^&(?:lt|gt|amp|apos|quot);$/;
const characterReference = /^&#(?:x([0-9a-fA-F]+)|([0-9]+));$/;
/** XML 1.0 §2.8 XMLDecl: version, then optionally encoding and standalone, in that order. */
const xmlDeclaration =
  /^<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(?:"1\.[0-9]+"|'1\.[0-9]+')(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(?:"[A-Za-z][\w.-]*"|'[A-Za-z][\w.-]*'))?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\r\n]*\?>$/;
/**
 * A tag up to the end of its attributes, XML whitespace only: tells whether a "]]>" stands in an
 * attribute value, and whether a Unicode space stands in a tag where XML allows none.
 */
const tagPrefix =
  /<\/?[^\s<>!?/"'=]+(?:[ \t\r\n]+[^\s<>"'=/]+[ \t\r\n]*=[ \t\r\n]*(?:"[^"<]*"|'[^'<]*'))*[ \t\r\n]*/y;

const wellFormed = (index: number, what: string, hint: string): MarkupProblem => ({
  kind: 'malformed-xml',
  rule: 'XML-WELLFORMED',
  index,
  what,
  hint,
});

function checkReference(ref: string, index: number): MarkupProblem | undefined {
  if (predefinedEntity.test(ref)) return undefined;
  if (ref.startsWith('&#')) {
    const m = characterReference.exec(ref);
    const code = m ? (m[1] ? Number.parseInt(m[1], 16) : Number(m[2])) : Number.NaN;
    if (isXmlChar(code)) return undefined;
    return {
      kind: 'malformed-xml',
      rule: 'XML-CHAR',
      index,
      what: 'Tekenreferentie naar een teken dat XML niet toestaat',
      hint: 'A character reference (&#NNN; or &#xHHHH;) may only name a character XML 1.0 allows (WFC: Legal Character): no control characters other than tab and line breaks, no U+FFFE/U+FFFF, no surrogates, nothing above U+10FFFF. Remove it.',
    };
  }
  if (ref.endsWith(';') && xmlName.test(ref.slice(1, -1))) {
    return {
      kind: 'malformed-xml',
      rule: 'XML-ENTITY',
      index,
      what: 'Entiteit die niet gedefinieerd is',
      hint: 'Without a DTD only &lt; &gt; &amp; &apos; &quot; exist (WFC: Entity Declared); write the character itself (UTF-8) or a character reference such as &#233;.',
    };
  }
  return wellFormed(index, 'Losse & die geen verwijzing is', 'Write a literal & as &amp;.');
}

function checkComment(body: string, index: number): MarkupProblem | undefined {
  if (!body.includes('--') && !body.endsWith('-')) return undefined;
  return wellFormed(
    index,
    'Commentaar bevat --',
    'A comment may not contain "--" nor end in "-" (XML 1.0 §2.5).',
  );
}

function checkProcessingInstruction(
  pi: string,
  target: string,
  index: number,
  xml: string,
): MarkupProblem | undefined {
  const atStart = index === 0 || (index === 1 && xml.charCodeAt(0) === 0xfeff);
  if (target === 'xml' && atStart) {
    if (xmlDeclaration.test(pi)) return undefined;
    return wellFormed(
      index,
      'XML-declaratie is ongeldig',
      'Write the declaration as <?xml version="1.0" encoding="UTF-8"?> (XML 1.0 §2.8).',
    );
  }
  if (xmlName.test(target) && target.toLowerCase() !== 'xml') return undefined;
  return wellFormed(
    index,
    target.toLowerCase() === 'xml'
      ? 'XML-declaratie staat niet aan het begin'
      : 'Verwerkingsinstructie zonder geldige naam',
    'The <?xml …?> declaration may only open the document; any other <?…?> needs a name that is not "xml".',
  );
}

function checkDeclaration(xml: string, index: number, inProlog: boolean): MarkupProblem {
  if (inProlog && xml.startsWith('<!DOCTYPE', index)) {
    return {
      kind: 'forbidden-dtd',
      rule: 'XML-DTD',
      index,
      what: 'Bericht bevat een DTD',
      hint: 'iWmo messages are validated by XSD only; remove the <!DOCTYPE> and any <!ENTITY> declarations.',
    };
  }
  return wellFormed(
    index,
    'Declaratie of markering die hier niet mag staan',
    'Only comments (<!-- -->) and CDATA sections may start with <! inside a document; a <!DOCTYPE> may only stand before the root element (and is refused in iWmo).',
  );
}

type Place = 'text' | 'attribute value' | 'tag';

/** Whether index is in text, in a tag's attribute value, or elsewhere in a tag (name, separators). */
function placeOf(xml: string, index: number, skippedUntil: number): Place {
  const tagStart = xml.lastIndexOf('<', index);
  if (tagStart < skippedUntil) return 'text';
  tagPrefix.lastIndex = tagStart;
  if (!tagPrefix.test(xml)) {
    // No name after '<' or '</' (e.g. a Unicode space first): a tag all the same, up to its '>'.
    const gt = xml.indexOf('>', tagStart);
    return gt < 0 || gt > index ? 'tag' : 'text';
  }
  const end = tagPrefix.lastIndex;
  if (index < end) return 'attribute value'; // names and separators cannot hold what is looked for
  const closedAt = xml[end] === '>' ? end : xml.startsWith('/>', end) ? end + 1 : -1;
  return closedAt >= 0 && index > closedAt ? 'text' : 'tag';
}

const isSpace = (c: number) => c === 0x20 || c === 0x9 || c === 0xa || c === 0xd;

/**
 * After the root element only comments, processing instructions and whitespace may follow (XML 1.0
 * §2.1 Misc). Walks back from the end over those; what stops the walk must be the root's closing '>'.
 * The parser would drop a character reference or a CDATA section there without a word.
 */
function checkEpilog(xml: string, skipped: [number, number][]): MarkupProblem | undefined {
  let p = xml.length;
  let k = skipped.length - 1;
  for (;;) {
    while (p > 0 && isSpace(xml.charCodeAt(p - 1))) p--;
    const construct = skipped[k];
    if (!construct || construct[1] !== p) break;
    p = construct[0];
    if (xml.startsWith('<![CDATA[', p)) break;
    k--;
  }
  const cdata = xml.startsWith('<![CDATA[', p);
  if (!cdata && (p === 0 || xml[p - 1] === '>')) return undefined;
  return wellFormed(
    cdata ? p : p - 1,
    'Tekst na het root-element',
    'Nothing but comments and whitespace may follow the closing tag of Bericht; remove the rest.',
  );
}

/** The first markup problem in document order, or undefined when the text passes. */
export function checkMarkup(xml: string): MarkupProblem | undefined {
  const raw = forbiddenXmlChar.exec(xml);
  const rawAt = raw ? raw.index : xml.length;
  let inProlog = true;
  let skippedUntil = 0;
  /** Comments, CDATA sections and processing instructions: [start, end). */
  const skipped: [number, number][] = [];
  for (const m of xml.matchAll(token)) {
    const at = m.index;
    if (at > rawAt) break;
    const [whole, commentBody, target] = m;
    if (inProlog) {
      const lt = xml.indexOf('<', skippedUntil);
      if (lt >= 0 && lt < at) inProlog = false;
    }
    let found: MarkupProblem | undefined;
    if (commentBody !== undefined) found = checkComment(commentBody, at);
    else if (target !== undefined) found = checkProcessingInstruction(whole, target, at, xml);
    else if (whole.startsWith('<![CDATA[')) {
      if (inProlog) found = checkDeclaration(xml, at, false);
    } else if (whole === '<!') found = checkDeclaration(xml, at, inProlog);
    else if (whole === '<?')
      found = wellFormed(
        at,
        'Processing instruction zonder ?>',
        'Close the processing instruction (or the XML declaration) with ?>, or remove it.',
      );
    else if (whole === ']]>') {
      if (placeOf(xml, at, skippedUntil) === 'text')
        found = wellFormed(
          at,
          ']]> buiten een CDATA-sectie',
          'Write > as &gt; after ]] in text (XML 1.0 §2.4).',
        );
    } else if (whole.startsWith('&')) found = checkReference(whole, at);
    else if (at > 0 && placeOf(xml, at, skippedUntil) === 'tag')
      found = wellFormed(
        at,
        'Teken in een tag dat geen XML-witruimte is',
        'Inside a tag only space, tab and line breaks separate the name and the attributes; remove the other space character.',
      );
    if (found) return found;
    if (whole.startsWith('<')) {
      skippedUntil = at + whole.length;
      skipped.push([at, skippedUntil]);
    }
  }
  if (!raw) return checkEpilog(xml, skipped);
  return {
    kind: 'malformed-xml',
    rule: 'XML-CHAR',
    index: rawAt,
    what: 'Bericht bevat een teken dat XML niet toestaat',
    hint: 'Remove the control character (other than tab and line breaks), U+FFFE/U+FFFF or unpaired surrogate (XML 1.0 §2.2 Char).',
  };
}
