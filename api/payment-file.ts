import { isoDay, kenmerk } from './claim-schemas';
import { type ProblemError, problem, problemTypes } from './problem';

/*
 * The payment file of POST /v1/claims/payments: CSV with the header line `paymentFileHeader`, one
 * payment per line, no quoting (every field is digits, letters, '-' or '.'). A line that breaks a rule
 * is answered on its own (422 naming the rule); only a file that is not this format at all is refused
 * whole. Each line's eventId is made of what identifies the payment, so the same file twice records once.
 */

export const paymentFileHeader = 'gemeente,toewijzingNummer,betaaldatum,bedrag,kenmerk';
export const maxPaymentLines = 1000;

export interface PaymentLine {
  /** 1-based line number in the file (the header is line 1). */
  line: number;
  gemeente: string;
  nummer: number;
  payment: { eventId: string; betaaldatum: string; bedrag: number; kenmerk: string };
}

export interface RefusedLine {
  line: number;
  status: 422;
  rule: string;
  detail: string;
}

export type ParsedPaymentFile =
  | { ok: true; lines: PaymentLine[]; refused: RefusedLine[] }
  | { ok: false; problem: ProblemError };

const refuse = (line: number, rule: string, detail: string): RefusedLine => ({
  line,
  status: 422,
  rule,
  detail,
});

/** '223.60' → 22360; undefined unless euros with exactly two decimals. */
export function centsOf(bedrag: string): number | undefined {
  const m = /^([0-9]{1,9})\.([0-9]{2})$/.exec(bedrag);
  return m ? Number(m[1]) * 100 + Number(m[2]) : undefined;
}

function parseLine(text: string, line: number): PaymentLine | RefusedLine {
  const fields = text.split(',');
  if (fields.length !== 5)
    return refuse(line, 'PAYMENT-FILE-FIELDS', `a line has 5 fields (${paymentFileHeader})`);
  const [gemeente, nummer, betaaldatum, bedrag, ref] = fields.map((f) => f.trim()) as [
    string,
    string,
    string,
    string,
    string,
  ];
  if (!/^[0-9]{4}$/.test(gemeente)) return refuse(line, 'PAYMENT-GEMEENTE', 'gemeente is a 4-digit CBS code');
  if (!/^[0-9]{1,9}$/.test(nummer))
    return refuse(line, 'PAYMENT-TOEWIJZING', 'toewijzingNummer is 1 to 9 digits');
  if (!isoDay.safeParse(betaaldatum).success)
    return refuse(line, 'PAYMENT-DATUM', 'betaaldatum is a real date YYYY-MM-DD');
  const cents = centsOf(bedrag);
  if (!cents)
    return refuse(line, 'PAYMENT-BEDRAG', 'bedrag is euros with two decimals and more than 0 (223.60)');
  if (!kenmerk.safeParse(ref).success)
    return refuse(
      line,
      'PAYMENT-KENMERK',
      'kenmerk is 1–35 letters or digits (the gemeente’s payment reference)',
    );
  const eventId = `betaling:${gemeente}:${Number(nummer)}:${betaaldatum}:${ref}`;
  return {
    line,
    gemeente,
    nummer: Number(nummer),
    payment: { eventId, betaaldatum, bedrag: cents, kenmerk: ref },
  };
}

const fileProblem = (detail: string) =>
  problem(422, detail, {
    type: problemTypes.rule,
    rule: 'PAYMENT-FILE',
    findings: [{ rule: 'PAYMENT-FILE', path: 'body', message: detail }],
  });

export function parsePaymentFile(text: string): ParsedPaymentFile {
  const rows = text.split(/\r?\n/);
  while (rows.length && rows[rows.length - 1]?.trim() === '') rows.pop();
  if (rows[0]?.replace(/^\uFEFF/, '').trim() !== paymentFileHeader)
    return { ok: false, problem: fileProblem(`the first line must be exactly ${paymentFileHeader}`) };
  if (rows.length < 2) return { ok: false, problem: fileProblem('the file holds no payment lines') };
  if (rows.length - 1 > maxPaymentLines)
    return { ok: false, problem: fileProblem(`at most ${maxPaymentLines} payment lines per file`) };
  const lines: PaymentLine[] = [];
  const refused: RefusedLine[] = [];
  const seen = new Set<string>();
  for (const [i, row] of rows.slice(1).entries()) {
    const parsed = parseLine(row, i + 2);
    if ('status' in parsed) refused.push(parsed);
    else if (seen.has(parsed.payment.eventId))
      refused.push(refuse(parsed.line, 'PAYMENT-DUPLICATE', 'the same payment is on an earlier line'));
    else {
      seen.add(parsed.payment.eventId);
      lines.push(parsed);
    }
  }
  return { ok: true, lines, refused };
}
