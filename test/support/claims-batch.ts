import type { Client } from '@temporalio/client';
import { signalOutcomes } from '../../activities/claims/batch';
import { buildDeclaratieXml } from '../../activities/messaging/build';
import { addDays } from '../../calendar';
import type {
  Antwoord325,
  BatchEscalationActivities,
  BatchEscalationInput,
  ClaimLine,
  ClaimLinesHandOver,
  ClaimsBatchActivities,
  DeliverOutcomesInput,
  RecordAntwoordInput,
  SubmitDeclaratieInput,
  SubmitDeclaratieResult,
} from '../../contract/claims';
import { declaratieInputOf, pseudonymise325 } from '../../contract/claims/convert';
import {
  assembleDeclaratie,
  claimLines,
  referentieNummer,
  type ToewijzingVoorDeclaratie,
} from '../../declaratie';
import { buildDeclaratieAntwoord, type MessageOf, type RetourCode } from '../../iwmo';
import { bsnFor, hulpPerUur, maand, nationalContract } from '../unit/declaratie/support';
import { profiles } from './assignment';

/*
 * Claims batch test material: claim lines of 20 toewijzingen of gemeente 0384 (computed by declaratie/
 * from the national contract, as an assignment will), activity doubles for the workflow tests (the 323
 * is built by the real buildDeclaratieXml, the outcomes signalled by the real signalOutcomes), and 325s
 * built by iwmo/'s buildDeclaratieAntwoord from the 323 the batch sent.
 */

export const gemeente = '0384';
export const aanbieder = '42420001';
export const batchProfile = profiles.profileFor(gemeente);

export const clientRefOf = (i: number) => `client-ref-${i}`;
export const assignmentIdOf = (i: number) => `wmo:${gemeente}:${5000 + i}`;
const messageIdOf = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

export const toewijzingen: ToewijzingVoorDeclaratie[] = Array.from({ length: 20 }, (_, i) => {
  const variants = [
    { product: { categorie: '01', code: '01A01' }, omvang: { volume: 4, eenheid: '04', frequentie: '2' } },
    { product: { categorie: '02', code: '02A01' }, omvang: { volume: 3, eenheid: '04', frequentie: '2' } },
  ] as const;
  const v = variants[i % variants.length] as (typeof variants)[number];
  return hulpPerUur({
    toewijzingNummer: 5000 + i,
    bsn: bsnFor(i),
    ingangsdatum: addDays('2027-01-01', i),
    einddatum: '2027-12-31',
    product: v.product,
    omvang: v.omvang,
  });
});

export const bsnByRef = new Map(toewijzingen.map((t, i) => [clientRefOf(i), t.bsn]));

/** The hand-overs of one month: one per toewijzing, one line each (no BSN: the client's reference). */
export function handOversOf(year: number, month: number): ClaimLinesHandOver[] {
  return toewijzingen.map((t, i) => {
    const r = claimLines({
      toewijzing: t,
      leveringen: [{ begindatum: t.ingangsdatum, start: 'gemeld' }],
      maand: maand(year, month),
      contract: nationalContract,
      eerder: { volume: 0, bedrag: 0 },
    });
    const lines: ClaimLine[] = r.lines.map((l) => ({
      referentieNummer: referentieNummer({
        gemeente,
        toewijzingNummer: l.toewijzingNummer,
        periode: l.productPeriode.begindatum,
        productCode: l.code,
        volgnummer: 0,
      }),
      toewijzingNummer: l.toewijzingNummer,
      clientRef: clientRefOf(i),
      toewijzingMessageId: messageIdOf(i),
      categorie: l.categorie,
      code: l.code,
      productPeriode: l.productPeriode,
      volume: l.volume,
      eenheid: l.eenheid,
      ...(l.tarief === undefined ? {} : { tarief: l.tarief }),
      bedrag: l.bedrag,
      debetCredit: 'D',
    }));
    return {
      assignmentWorkflowId: assignmentIdOf(i),
      handOverKey: `${assignmentIdOf(i)}:${year}-${month}`,
      lines,
    };
  });
}

export interface Submitted {
  input: SubmitDeclaratieInput;
  identificatie: string;
  xml: string;
  /** The 323 as the workflow holds it (client references, the Identificatie filled in). */
  sent: MessageOf<'WMO323'>;
}

export interface BatchDoubles extends ClaimsBatchActivities, BatchEscalationActivities {
  /** `{key}:{part}` → body, as claim_batch_stash holds them. */
  stash: Map<string, string>;
  submitted: Submitted[];
  records: RecordAntwoordInput[];
  outcomeCalls: DeliverOutcomesInput[];
  escalations: BatchEscalationInput[];
  resolutions: (BatchEscalationInput & { metOn: string })[];
  escalate(input: BatchEscalationInput): Promise<{ escalationId: string; delivered: number; failed: number }>;
}

/** Activity doubles: the outbox is a list, the 323 XML is the real builder's, outcomes are really signalled. */
export function batchDoubles(temporal: Pick<Client, 'workflow'>): BatchDoubles {
  const stash = new Map<string, string>();
  const d: BatchDoubles = {
    stash,
    submitted: [],
    records: [],
    outcomeCalls: [],
    escalations: [],
    resolutions: [],
    async stashPart({ key, part, body }) {
      if (!stash.has(`${key}:${part}`)) stash.set(`${key}:${part}`, body);
    },
    async stashedPart({ key, part }) {
      const body = stash.get(`${key}:${part}`);
      if (body === undefined) throw new Error(`stash ${key} has no part ${part}`);
      return body;
    },
    async submitDeclaratie(given): Promise<SubmitDeclaratieResult> {
      const ref = given.stashedLines;
      const input = ref
        ? {
            ...given,
            lines: JSON.parse(
              Array.from({ length: ref.parts }, (_, i) => stash.get(`${ref.key}:${i}`) ?? '').join(''),
            ),
          }
        : given;
      const again = d.submitted.find((s) => s.input.idempotencyKey === input.idempotencyKey);
      if (again)
        return {
          ok: true,
          outboxId: again.identificatie,
          identificatie: again.identificatie,
          duplicate: true,
        };
      const identificatie = `D${String(d.submitted.length + 1).padStart(4, '0')}`;
      // As the real activity: assembled again with the BSNs, then built and checked by iwmo/.
      const real = assembleDeclaratie(
        declaratieInputOf(input, (ref) => bsnByRef.get(ref) ?? ref, identificatie),
      );
      if (!real.ok)
        return { ok: false, findings: real.findings.map((f) => ({ rule: f.rule, message: f.message })) };
      const built = buildDeclaratieXml(real.message);
      if (!built.ok)
        return { ok: false, findings: built.findings.map((f) => ({ rule: f.rule, message: f.message })) };
      const sent = assembleDeclaratie(declaratieInputOf(input, (ref) => ref, identificatie));
      if (!sent.ok) throw new Error('assembled with BSNs but not with references');
      d.submitted.push({ input, identificatie, xml: built.xml, sent: sent.message });
      return { ok: true, outboxId: identificatie, identificatie, duplicate: false };
    },
    async recordAntwoord(input) {
      d.records.push(input);
    },
    async deliverLineOutcomes(input) {
      d.outcomeCalls.push(input);
      const { delivered, gone } = await signalOutcomes(temporal, input.outcomes);
      return { delivered, undeliverable: [...gone] };
    },
    async escalate(input) {
      d.escalations.push(input);
      return { escalationId: input.idempotencyKey, delivered: 0, failed: 0 };
    },
    async resolveEscalation(input) {
      d.resolutions.push(input);
      return { escalationId: input.idempotencyKey, delivered: 0, failed: 0 };
    },
  };
  return d;
}

/**
 * The gemeente's 325 on a sent 323, every line awarded except `rejected` (ReferentieNummer → codes), as
 * the inbox router signals it: pseudonymised (the 323 here holds client references already).
 */
export function antwoordOn(
  s: Submitted,
  rejected: ReadonlyMap<string, string[]> = new Map(),
  identificatie = 'A0001',
): Antwoord325 {
  const m = buildDeclaratieAntwoord(
    s.sent,
    { prestaties: rejected as ReadonlyMap<string, RetourCode[]> },
    { identificatie, dagtekening: s.input.dagtekening },
  );
  return pseudonymise325(m, (ref) => ref);
}
