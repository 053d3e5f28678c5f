import { isUtf8 } from 'node:buffer';
import type { StoredFinding } from './outcome';

/*
 * The bytes of a received message, checked before anything reads them as text. iWmo messages are UTF-8
 * XML; XML 1.0 makes an encoding error fatal, and PostgreSQL's `text` refuses U+0000. So a body that is
 * not UTF-8 (a UTF-16 or UTF-32 body, with or without byte order mark), holds a NUL, has a byte sequence
 * that is not UTF-8, or declares another encoding is never turned into text: it is stored as the bytes
 * that came (inbox `raw_payload`) and rejected under `PAYLOAD-ENCODING`. Decoding with replacement
 * characters would keep an altered message, and a hash of the altered text, in the archive.
 */

export const payloadEncodingRule = 'PAYLOAD-ENCODING';

export type EncodingCheck =
  /** `text` is the XML; `exact` = its UTF-8 bytes are the bytes received (false: a UTF-8 BOM was dropped). */
  { ok: true; text: string; exact: boolean } | { ok: false; finding: StoredFinding };

const hint =
  'Send the message as UTF-8 without NUL characters (iWmo: <?xml version="1.0" encoding="UTF-8"?>); ' +
  'convert a UTF-16 file to UTF-8 before sending.';

function refused(message: string): EncodingCheck {
  return { ok: false, finding: { rule: payloadEncodingRule, path: '/', message, hint } };
}

const startsWith = (b: Uint8Array, prefix: number[]) => prefix.every((v, i) => b[i] === v);

/** The encoding a byte order mark, or the NULs of `<?` in UTF-16/32, announce; undefined for UTF-8. */
export function foreignEncodingOf(b: Uint8Array): string | undefined {
  if (startsWith(b, [0x00, 0x00, 0xfe, 0xff]) || startsWith(b, [0xff, 0xfe, 0x00, 0x00])) return 'UTF-32';
  if (startsWith(b, [0xfe, 0xff])) return 'UTF-16BE';
  if (startsWith(b, [0xff, 0xfe])) return 'UTF-16LE';
  if (startsWith(b, [0x00, 0x3c, 0x00])) return 'UTF-16BE';
  if (startsWith(b, [0x3c, 0x00, 0x3f, 0x00]) || startsWith(b, [0x3c, 0x00])) return 'UTF-16LE';
  return undefined;
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence (only called when one exists). */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    const [n, min, lead] =
      c >= 0xc2 && c <= 0xdf
        ? [1, 0x80, c & 0x1f]
        : c >= 0xe0 && c <= 0xef
          ? [2, 0x800, c & 0x0f]
          : c >= 0xf0 && c <= 0xf4
            ? [3, 0x10000, c & 0x07]
            : [0, 0, 0];
    if (n === 0) return i;
    let cp = lead;
    for (let k = 1; k <= n; k++) {
      const cont = b[i + k];
      if (cont === undefined || (cont & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cont & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return b.length;
}

/** `encoding="…"` of the XML declaration, if the body starts with one. */
function declaredEncoding(text: string): string | undefined {
  const decl = /^<\?xml[^>]{0,200}\?>/.exec(text.slice(0, 256));
  return decl?.[0] && /\sencoding\s*=\s*["']([A-Za-z][\w.-]{0,40})["']/.exec(decl[0])?.[1];
}

export function checkEncoding(bytes: Uint8Array): EncodingCheck {
  const foreign = foreignEncodingOf(bytes);
  if (foreign) return refused(`Bericht is ${foreign} gecodeerd; iWmo-berichten zijn UTF-8`);
  const nul = bytes.indexOf(0);
  if (nul !== -1) return refused(`Bericht bevat het teken U+0000 (NUL) op byte ${nul}`);
  if (!isUtf8(bytes))
    return refused(`Bericht is geen geldige UTF-8: ongeldige byte op positie ${firstInvalidUtf8(bytes)}`);
  const bom = startsWith(bytes, [0xef, 0xbb, 0xbf]);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8', bom ? 3 : 0);
  const declared = declaredEncoding(text);
  if (declared && !/^utf-?8$/i.test(declared))
    return refused(`De XML-declaratie noemt encoding "${declared}"; iWmo-berichten zijn UTF-8`);
  return { ok: true, text, exact: !bom };
}
