import type {
  AntwoordReceived,
  ClaimLine,
  ClaimLinesHandOver,
  CorrectionConfirmed,
} from '../../contract/claims';
import type { Problem } from '../../contract/shape';

/*
 * The workflow's own check of what a signal or update hands it, without zod (kept out of the bundle;
 * contract/claims/schemas.ts is what senders validate with). A bad hand-over is refused with a log line
 * naming the field and rule, never its value, and never fails the workflow.
 */

// The field-by-field checks below keep their own wording ('lines[3].bedrag: …', 'Tekst: …'): senders and
// tests read these texts, so they are not rebuilt on contract/shape.ts's combinators.

const isoDate = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
// Control characters and lone surrogates fail every later database write of a string (see safe-text).
function unsafeChar(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = v.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return true;
    } else if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

function text(v: unknown, field: string, max = 300): Problem {
  if (typeof v !== 'string' || v.length === 0) return `${field}: must be a non-empty string`;
  if (v.length > max) return `${field}: longer than ${max} characters`;
  if (unsafeChar(v)) return `Tekst: ${field}: contains a control character or lone surrogate`;
  return undefined;
}

const cents = (v: unknown, field: string): Problem =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 ? undefined : `${field}: must be whole cents ≥ 0`;

function line(l: unknown, at: string): Problem {
  if (typeof l !== 'object' || l === null) return `${at}: must be an object`;
  const x = l as Partial<ClaimLine>;
  return (
    text(x.referentieNummer, `${at}.referentieNummer`, 20) ??
    (Number.isInteger(x.toewijzingNummer) ? undefined : `${at}.toewijzingNummer: must be a whole number`) ??
    text(x.clientRef, `${at}.clientRef`) ??
    text(x.toewijzingMessageId, `${at}.toewijzingMessageId`) ??
    text(x.categorie, `${at}.categorie`, 2) ??
    text(x.code, `${at}.code`, 5) ??
    (isoDate.test(String(x.productPeriode?.begindatum)) && isoDate.test(String(x.productPeriode?.einddatum))
      ? undefined
      : `${at}.productPeriode: needs begindatum and einddatum (YYYY-MM-DD)`) ??
    (typeof x.volume === 'number' && Number.isInteger(x.volume)
      ? undefined
      : `${at}.volume: must be a whole number`) ??
    text(x.eenheid, `${at}.eenheid`, 2) ??
    (x.tarief === undefined ? undefined : cents(x.tarief, `${at}.tarief`)) ??
    cents(x.bedrag, `${at}.bedrag`) ??
    (x.debetCredit === 'D' || x.debetCredit === 'C' ? undefined : `${at}.debetCredit: must be 'D' or 'C'`) ??
    (x.vorigReferentieNummer === undefined
      ? undefined
      : text(x.vorigReferentieNummer, `${at}.vorigReferentieNummer`, 20))
  );
}

function lines(v: unknown): Problem {
  if (!Array.isArray(v)) return 'lines: must be a list';
  if (v.length > 10_000) return 'lines: more than 10000 in one hand-over';
  for (let i = 0; i < v.length; i++) {
    const p = line(v[i], `lines[${i}]`);
    if (p) return p;
  }
  return undefined;
}

export function handOverProblem(v: unknown): Problem {
  if (typeof v !== 'object' || v === null) return 'hand-over: must be an object';
  const h = v as Partial<ClaimLinesHandOver>;
  return (
    text(h.assignmentWorkflowId, 'assignmentWorkflowId') ??
    text(h.handOverKey, 'handOverKey') ??
    lines(h.lines)
  );
}

export function correctionProblem(v: unknown): Problem {
  if (typeof v !== 'object' || v === null) return 'correction: must be an object';
  const c = v as Partial<CorrectionConfirmed>;
  return (
    text(c.correctionId, 'correctionId') ??
    text(c.assignmentWorkflowId, 'assignmentWorkflowId') ??
    lines(c.lines)
  );
}

export function antwoordProblem(v: unknown): Problem {
  if (typeof v !== 'object' || v === null) return '325: must be an object';
  const a = v as Partial<AntwoordReceived>;
  if (text(a.inboxMessageId, 'inboxMessageId')) return text(a.inboxMessageId, 'inboxMessageId');
  if (!isoDate.test(String(a.ontvangen))) return 'ontvangen: must be YYYY-MM-DD';
  const h = a.antwoord?.Header as { DeclaratieIdentificatie?: unknown } | undefined;
  if (typeof h !== 'object' || typeof h.DeclaratieIdentificatie !== 'object')
    return 'antwoord: must be a decoded, pseudonymised WMO325 (Header with DeclaratieIdentificatie)';
  return undefined;
}
