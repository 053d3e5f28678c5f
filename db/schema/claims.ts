import {
  bigint,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/*
 * Billing periods in which an assignment delivered care, handed over by the assignment workflow when the
 * period ends. The claims process (323/325) picks them up from here; keys and codes only.
 */
export const claimPeriods = pgTable(
  'claim_periods',
  {
    workflowId: text('workflow_id').notNull(),
    gemeente: text('gemeente').notNull(),
    aanbieder: text('aanbieder').notNull(),
    toewijzingNummer: integer('toewijzing_nummer').notNull(),
    /** 'month' (iWmo 3.2) or 'cak4w' (legacy contracts). */
    calendar: text('calendar', { enum: ['month', 'cak4w'] }).notNull(),
    periodStart: date('period_start').notNull(),
    periodEnd: date('period_end').notNull(),
    status: text('status', { enum: ['open', 'declared', 'settled'] })
      .notNull()
      .default('open'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('claim_periods_workflow_period_uq').on(t.workflowId, t.periodStart),
    index('claim_periods_aanbieder_gemeente_idx').on(t.aanbieder, t.gemeente, t.periodEnd),
  ],
);

/*
 * One claims batch per (aanbieder, gemeente, calendar month): its 323 (outbox row, Identificatie,
 * DeclaratieNummer) and its 325 (inbox row). The inbox router finds a 325's batch by
 * (aanbieder, identificatie) = the 325's Ontvanger and DeclaratieIdentificatie/Identificatie.
 */
export const claimBatches = pgTable(
  'claim_batches',
  {
    workflowId: text('workflow_id').primaryKey(),
    aanbieder: text('aanbieder').notNull(),
    gemeente: text('gemeente').notNull(),
    /** First day of the declared month (DeclaratiePeriode). */
    maand: date('maand').notNull(),
    declaratieNummer: text('declaratie_nummer').notNull(),
    status: text('status', { enum: ['ingediend', 'beoordeeld', 'niet-verwerkt'] }).notNull(),
    outboxId: uuid('outbox_id').notNull(),
    /** BerichtIdentificatie of the 323 (= the 325's DeclaratieIdentificatie) and its Dagtekening. */
    identificatie: text('identificatie').notNull(),
    dagtekening: date('dagtekening').notNull(),
    /** Signed sum of the lines, cents (TotaalIngediendBedrag). */
    totaal: bigint('totaal', { mode: 'number' }).notNull(),
    lineCount: integer('line_count').notNull(),
    /** The applied 325 (inbox id), once one matched. */
    antwoordMessageId: uuid('antwoord_message_id'),
    antwoordOntvangen: date('antwoord_ontvangen'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('claim_batches_aanbieder_identificatie_uq').on(t.aanbieder, t.identificatie),
    // TR333: a DeclaratieNummer is unique per aanbieder.
    uniqueIndex('claim_batches_aanbieder_nummer_uq').on(t.aanbieder, t.declaratieNummer),
    index('claim_batches_gemeente_maand_idx').on(t.gemeente, t.maand),
  ],
);

/** The lines of a batch's 323, each with the assignment it came from and what the 325 said. No BSN. */
export const claimBatchLines = pgTable(
  'claim_batch_lines',
  {
    batchWorkflowId: text('batch_workflow_id')
      .notNull()
      .references(() => claimBatches.workflowId),
    referentieNummer: text('referentie_nummer').notNull(),
    assignmentWorkflowId: text('assignment_workflow_id').notNull(),
    toewijzingNummer: integer('toewijzing_nummer').notNull(),
    productCategorie: text('product_categorie').notNull(),
    productCode: text('product_code').notNull(),
    periodStart: date('period_start').notNull(),
    periodEnd: date('period_end').notNull(),
    volume: integer('volume').notNull(),
    eenheid: text('eenheid').notNull(),
    tarief: integer('tarief'),
    bedrag: bigint('bedrag', { mode: 'number' }).notNull(),
    debetCredit: text('debet_credit', { enum: ['D', 'C'] }).notNull(),
    vorigReferentieNummer: text('vorig_referentie_nummer'),
    status: text('status', { enum: ['ingediend', 'toegekend', 'afgewezen'] })
      .notNull()
      .default('ingediend'),
    retourCodes: jsonb('retour_codes').$type<string[]>(),
    /** 'delivered' once the outcome reached the assignment; 'undeliverable' when it was gone. */
    outcome: text('outcome', { enum: ['delivered', 'undeliverable'] }),
  },
  (t) => [
    primaryKey({ columns: [t.batchWorkflowId, t.referentieNummer] }),
    index('claim_batch_lines_assignment_idx').on(t.assignmentWorkflowId),
  ],
);

/** Every 325 received for a batch, applied or not (a mismatching one is kept here with its rules). */
export const claimBatchAnswers = pgTable(
  'claim_batch_answers',
  {
    batchWorkflowId: text('batch_workflow_id').notNull(),
    inboxMessageId: uuid('inbox_message_id').notNull(),
    ontvangen: date('ontvangen').notNull(),
    kind: text('kind', { enum: ['beoordeeld', 'niet-verwerkt', 'mismatch'] }).notNull(),
    mismatches: jsonb('mismatches').$type<{ rule: string; message: string }[]>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.batchWorkflowId, t.inboxMessageId] })],
);

/*
 * Parts of a claims batch's state too large for one Temporal payload (2 MB): the carry over
 * continue-as-new and the lines of a large 323, written by the batch in parts of ≤ 256 Ki characters
 * and read back by key. Client references only, never a BSN (the lines are the ones the history holds).
 */
export const claimBatchStash = pgTable(
  'claim_batch_stash',
  {
    key: text('key').notNull(),
    part: integer('part').notNull(),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.key, t.part] })],
);
