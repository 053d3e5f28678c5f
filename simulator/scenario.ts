import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { retourCode } from '../iwmo';
import { agbCode, gemeenteCode } from '../iwmo/identifier-schemas';
import { describeIssues } from '../transport/metadata';

/*
 * A scenario (JSON under simulator/scenarios/): which gemeente the simulator plays, which aanbieder it
 * issues 301s to and for how many synthetic clients, how it answers each heen message, and what goes
 * wrong on purpose. Misbehaviour can also be changed while running (PUT /admin/misbehaviour).
 */

const answer = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('approve') }).strict(),
  z
    .object({
      decision: z.literal('reject'),
      /** Retour codes on every StartProduct/StopProduct (306/308). */
      retourCodes: z.array(retourCode).min(1),
    })
    .strict(),
  /** No retour at all: the one that never comes. */
  z.object({ decision: z.literal('never') }).strict(),
]);
export type Answer = z.infer<typeof answer>;

/** setTimeout's limit (about 24.8 days): enough to answer a 323 after its 325 term. */
const maxTimerMs = 2_147_483_647;
/** This answer's own delay (e.g. a 325 after its term); absent: the scenario's `delayMs`. */
const ownDelay = { delayMs: z.number().int().min(0).max(maxTimerMs).optional() };

/** Retour codes a 325 rejects lines with when the scenario names none: tariff (TR346) and period (TR307). */
export const defaultDeclaratieCodes = ['9346', '9307'] as const;

/**
 * How the gemeente answers a 323 (with a 325): award every line, reject every line or every n-th line
 * with the given codes (codes declaratie/corrections.ts proposes a correction for), answer with a 325
 * that does not match the 323 (TotaalIngediendBedrag off by a cent: TR366), or never answer.
 */
const declaratieAnswer = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('approve'), ...ownDelay }).strict(),
  z.object({ decision: z.literal('reject'), retourCodes: z.array(retourCode).min(1), ...ownDelay }).strict(),
  z
    .object({
      decision: z.literal('reject-some'),
      retourCodes: z
        .array(retourCode)
        .min(1)
        .default([...defaultDeclaratieCodes]),
      /** Every n-th line (counted over the whole 323, from 1) is rejected. */
      every: z.number().int().min(1).max(1000).default(2),
      /**
       * A line for a (toewijzing, month) this gemeente rejected before is a resubmission: 'award' it (the
       * correction fixed what the codes named, so a run can settle), or 'judge-again' like a new line.
       */
      resubmissions: z.enum(['award', 'judge-again']).default('judge-again'),
      ...ownDelay,
    })
    .strict(),
  z.object({ decision: z.literal('mismatch'), ...ownDelay }).strict(),
  z.object({ decision: z.literal('never') }).strict(),
]);
export type DeclaratieAnswer = z.infer<typeof declaratieAnswer>;

/** RedenAfwijzingVerzoek (WMO: 1–9). */
const redenAfwijzing = z.enum(['1', '2', '3', '4', '5', '6', '7', '8', '9']);

const verzoekFinal = z.discriminatedUnion('decision', [
  /** A 301 whose products carry the ReferentieAanbieder (TR379). */
  z.object({ decision: z.literal('honour') }).strict(),
  /** A 319 with VerzoekAntwoord 1 and this RedenAfwijzingVerzoek. */
  z.object({ decision: z.literal('reject'), reden: redenAfwijzing.default('7') }).strict(),
]);

/** How the gemeente answers one requested product (315) or one 317 after its 316/318. */
const verzoekDecision = z.discriminatedUnion('decision', [
  ...verzoekFinal.options,
  /**
   * A 319 "in onderzoek" (VerzoekAntwoord 2) at once, then `outcome` after `laterMs` — in the real world up
   * to 8 weeks after the request's dagtekening.
   */
  z
    .object({
      decision: z.literal('in-onderzoek'),
      laterMs: z.number().int().min(0).max(maxTimerMs).default(60_000),
      outcome: verzoekFinal.default({ decision: 'honour' }),
    })
    .strict(),
  /** No 301 and no 319: the request's deadlines run out. */
  z.object({ decision: z.literal('never') }).strict(),
]);
export type VerzoekDecision = z.infer<typeof verzoekDecision>;

/**
 * How the gemeente answers a 315/317: the 316/318 (approved, or with `retour.retourCodes` on the first
 * `retour.times` requests — the corrected resend is approved), then, `answerDelayMs` after the 316/318
 * (a late one: more than its 5 working days), the content answer: `answers` per requested product of a
 * 315 in order, cycling (one for a 317).
 */
const requestAnswer = z
  .object({
    retour: z
      .object({ retourCodes: z.array(retourCode).min(1), times: z.number().int().min(0).default(1) })
      .strict()
      .optional(),
    answers: z
      .array(verzoekDecision)
      .min(1)
      .default([{ decision: 'honour' }]),
    answerDelayMs: z.number().int().min(0).max(maxTimerMs).optional(),
  })
  .strict();
export type RequestAnswer = z.infer<typeof requestAnswer>;
const defaultRequestAnswer: RequestAnswer = { answers: [{ decision: 'honour' }] };

export const duplicateDeliveryModes = ['none', 'same-traceer', 'new-traceer'] as const;

export const misbehaviourSchema = z
  .object({
    /** Every API answer waits this long first. */
    slowMs: z.number().int().min(0).max(600_000).default(0),
    /**
     * Every API answer waits this long AFTER the request took effect: a client that times out meanwhile
     * does not know its push arrived (what a retry must survive: BRS114 on its own traceerId).
     */
    lateAnswerMs: z.number().int().min(0).max(600_000).default(0),
    /** The next N API requests are answered 500. */
    fail500: z.number().int().min(0).default(0),
    /**
     * Every message for the aanbieder is delivered twice: 'same-traceer' offers it once more after the
     * first confirm; 'new-traceer' puts a copy under a second traceerId.
     */
    duplicateDelivery: z.enum(duplicateDeliveryModes).default('none'),
    /** The next N retours are made but never delivered (the heen message shows Bezorgd, nothing follows). */
    dropRetour: z.number().int().min(0).default(0),
    /**
     * The gemeente leaves what is pushed to it waiting (WordtAangeboden) until it is told to download
     * (POST /admin/download): then each goes to Bezorgd, stamped with the simulator's clock, and is answered.
     */
    holdDownloads: z.boolean().default(false),
  })
  .strict();
export type Misbehaviour = z.infer<typeof misbehaviourSchema>;

export const scenarioSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().default(''),
    gemeente: gemeenteCode,
    aanbieder: agbCode,
    toewijzingen: z
      .object({
        /** One 301 per synthetic client, one toewijzing each. */
        clients: z.number().int().min(0).max(100_000),
        /** Same seed, same clients (BSNs, names, birth dates). */
        seed: z.number().int().min(0).max(9999).default(1),
        firstNummer: z.number().int().min(1).max(999_000_000).default(1000),
        product: z
          .object({
            categorie: z.string().regex(/^[0-9]{2}$/),
            code: z.string().min(1).max(5).optional(),
          })
          .strict()
          .default({ categorie: '01', code: '01A01' }),
        omvang: z
          .object({
            volume: z.number().int().min(1),
            eenheid: z.enum(['01', '04', '14', '16', '82', '83', '84']),
            frequentie: z.enum(['1', '2', '4', '6']),
          })
          .strict()
          .default({ volume: 4, eenheid: '04', frequentie: '2' }),
        /** Ingangsdatum = the day the 301s are issued + this; Einddatum after `durationDays`. */
        startInDays: z.number().int().min(-365).max(365).default(0),
        durationDays: z.number().int().min(1).max(3650).default(365),
        /** Issue them as soon as the simulator starts (else: POST /admin/issue). */
        issueOnStart: z.boolean().default(true),
      })
      .strict(),
    answers: z
      .object({
        /** How long the gemeente takes to answer a heen message. */
        delayMs: z.number().int().min(0).max(86_400_000).default(1000),
        WMO305: answer.default({ decision: 'approve' }),
        WMO307: answer.default({ decision: 'approve' }),
        WMO323: declaratieAnswer.default({ decision: 'approve' }),
        WMO315: requestAnswer.default(defaultRequestAnswer),
        WMO317: requestAnswer.default(defaultRequestAnswer),
      })
      .strict()
      .default({
        delayMs: 1000,
        WMO305: { decision: 'approve' },
        WMO307: { decision: 'approve' },
        WMO323: { decision: 'approve' },
        WMO315: defaultRequestAnswer,
        WMO317: defaultRequestAnswer,
      }),
    misbehaviour: misbehaviourSchema.default({
      slowMs: 0,
      lateAnswerMs: 0,
      fail500: 0,
      duplicateDelivery: 'none',
      dropRetour: 0,
      holdDownloads: false,
    }),
  })
  .strict();
export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;

export function parseScenario(json: unknown, source = 'scenario'): Scenario {
  const parsed = scenarioSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${source} is not a valid scenario: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

export function loadScenario(path: string): Scenario {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: cannot read the scenario as JSON (${(err as Error).message})`);
  }
  return parseScenario(json, path);
}
