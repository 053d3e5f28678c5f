import { createRoute, z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import {
  type BatchState,
  batchStateQuery,
  claimsBatchWorkflowType,
  parseClaimsBatchWorkflowId,
} from '../contract/claims';
import type { DatabaseHandle } from '../db';
import { type BatchRow, batchDetail, listBatches } from '../db/queries/claims';
import { gemeenteCode } from '../iwmo/identifier-schemas';
import { applyPayment } from './assignment-claims';
import { mayAccess } from './auth';
import { maandParam, notFound } from './claim-schemas';
import { cursorParam, decodeCursor, encodeCursor } from './cursor';
import { limitBody, requireContentType } from './hygiene';
import { type PaymentLine, parsePaymentFile, paymentFileHeader } from './payment-file';
import { ProblemError, problem } from './problem';
import { bearerSecurity, createRouter, errorResponses, jsonContent } from './router';

/*
 * /v1/claims: the claims batches (one 323 per aanbieder, gemeente and month) from claim_batches and
 * friends, one batch with its 323, its 325(s) and where each line stands (the batch's `state` query when
 * its workflow is there, the rows otherwise), and a payment file applied line by line to the
 * assignments it names. A caller sees batches of its own AGB code or gemeente; another's answers 404.
 */

export interface ClaimRouteDeps {
  temporal: Client;
  database: DatabaseHandle;
}

const tags = ['claims'];
const batchIdPattern = /^declaratie:[0-9]{8}:[0-9]{4}:[0-9]{4}-(0[1-9]|1[0-2])$/;
const batchId = z
  .string()
  .max(40)
  .regex(batchIdPattern, 'a batch id is declaratie:{AGB}:{gemeente}:{YYYY-MM}');
const batchStatus = z.enum(['ingediend', 'beoordeeld', 'niet-verwerkt']);

const batchSummarySchema = z
  .object({
    workflowId: z.string().openapi({ example: 'declaratie:42420001:0384:2026-11' }),
    aanbieder: z.string(),
    gemeente: z.string(),
    maand: z.string(),
    declaratieNummer: z.string(),
    status: batchStatus,
    identificatie: z.string().openapi({ description: 'BerichtIdentificatie of the 323' }),
    dagtekening: z.string(),
    totaal: z.number().int().openapi({ description: 'signed sum of the lines, cents' }),
    lineCount: z.number().int(),
    outboxId: z.string(),
    antwoordMessageId: z.string().nullable(),
    antwoordOntvangen: z.string().nullable(),
  })
  .openapi('ClaimsBatchSummary');

const lineSchema = z.object({
  referentieNummer: z.string(),
  assignmentWorkflowId: z.string(),
  toewijzingNummer: z.number().int(),
  bedrag: z.number().int(),
  debetCredit: z.enum(['D', 'C']),
  status: z.string(),
  retourCodes: z.array(z.string()).optional(),
  handedBack: z.boolean().optional(),
});

const batchDetailSchema = z
  .object({
    workflowId: z.string(),
    aanbieder: z.string(),
    gemeente: z.string(),
    maand: z.string(),
    status: z.string().openapi({ description: 'the workflow’s status when it runs, else the row’s' }),
    declaratie: batchSummarySchema.nullable().openapi({ description: 'the 323, once it went out' }),
    antwoorden: z.array(
      z.object({
        inboxMessageId: z.string(),
        ontvangen: z.string(),
        kind: z.enum(['beoordeeld', 'niet-verwerkt', 'mismatch']),
        mismatches: z.array(z.object({ rule: z.string(), message: z.string() })).nullable(),
      }),
    ),
    lines: z.array(lineSchema),
    state: z
      .object({})
      .passthrough()
      .nullable()
      .openapi({ description: 'the batch workflow’s `state` query' }),
  })
  .openapi('ClaimsBatch');

const listRoute = createRoute({
  operationId: 'listClaimsBatches',
  method: 'get',
  path: '/batches',
  tags,
  summary: 'Your claims batches (323s sent), by month, gemeente and status',
  security: bearerSecurity,
  request: {
    query: z.object({
      maand: maandParam.optional(),
      gemeente: gemeenteCode.clone().optional(),
      status: batchStatus.optional(),
      limit: z.coerce.number().int().min(1).max(100).default(50),
      cursor: cursorParam(z.tuple([batchId])),
    }),
  },
  responses: {
    200: jsonContent(
      z.object({ items: z.array(batchSummarySchema), nextCursor: z.string().nullable() }),
      'one page of batches',
    ),
    ...errorResponses(401, 422, 429),
  },
});

const detailRoute = createRoute({
  operationId: 'getClaimsBatch',
  method: 'get',
  path: '/batches/{workflowId}',
  tags,
  summary: 'One claims batch: its 323, its 325(s) and each line’s status',
  security: bearerSecurity,
  request: {
    params: z.object({
      workflowId: batchId.openapi({
        param: { name: 'workflowId', in: 'path' },
        example: 'declaratie:42420001:0384:2026-11',
      }),
    }),
  },
  responses: { 200: jsonContent(batchDetailSchema, 'the batch'), ...errorResponses(401, 404, 422, 429) },
});

const paymentFileLimitBytes = 1024 * 1024;

const paymentLineResult = z.object({
  line: z.number().int(),
  gemeente: z.string().optional(),
  toewijzingNummer: z.number().int().optional(),
  eventId: z.string().optional(),
  status: z.number().int().openapi({ description: '202 applied; else the problem status of that line' }),
  result: z.object({ status: z.string(), betaald: z.number().int() }).optional(),
  rule: z.string().optional(),
  detail: z.string().optional(),
});

const paymentFileRoute = createRoute({
  operationId: 'recordPaymentFile',
  method: 'post',
  path: '/payments',
  tags,
  summary: 'A payment file: each line applied to the assignment it names, answered per line',
  description:
    `CSV (text/csv, UTF-8, at most 1 MB and 1,000 lines), first line exactly \`${paymentFileHeader}\`; ` +
    'bedrag in euros with a decimal point (223.60), betaaldatum YYYY-MM-DD, kenmerk the gemeente’s payment ' +
    'reference (1–35 letters or digits). A line’s eventId is made of gemeente, nummer, betaaldatum and ' +
    'kenmerk, so the same file sent again records nothing twice.',
  security: bearerSecurity,
  middleware: [requireContentType('text/csv'), limitBody(paymentFileLimitBytes)] as const,
  request: { body: { required: true, content: { 'text/csv': { schema: z.string() } } } },
  responses: {
    200: jsonContent(
      z.object({ accepted: z.number().int(), refused: z.number().int(), lines: z.array(paymentLineResult) }),
      'per line: applied (202) or the problem that line met',
    ),
    ...errorResponses(401, 413, 415, 422, 429),
  },
});

function summary(r: BatchRow): z.infer<typeof batchSummarySchema> {
  return {
    workflowId: r.workflowId,
    aanbieder: r.aanbieder,
    gemeente: r.gemeente,
    maand: r.maand.slice(0, 7),
    declaratieNummer: r.declaratieNummer,
    status: r.status,
    identificatie: r.identificatie,
    dagtekening: r.dagtekening,
    totaal: r.totaal,
    lineCount: r.lineCount,
    outboxId: r.outboxId,
    antwoordMessageId: r.antwoordMessageId,
    antwoordOntvangen: r.antwoordOntvangen,
  };
}

async function batchState(temporal: Client, workflowId: string): Promise<BatchState | null> {
  const handle = temporal.workflow.getHandle(workflowId);
  try {
    const description = await handle.describe();
    if (description.type !== claimsBatchWorkflowType) return null;
    return await handle.query(batchStateQuery);
  } catch (err) {
    if (notFound(err)) return null;
    throw err;
  }
}

async function applyLine(
  deps: ClaimRouteDeps,
  principal: Parameters<typeof applyPayment>[1],
  l: PaymentLine,
) {
  const base = { line: l.line, gemeente: l.gemeente, toewijzingNummer: l.nummer, eventId: l.payment.eventId };
  try {
    const r = await applyPayment(
      deps.temporal,
      principal,
      { gemeente: l.gemeente, nummer: l.nummer },
      l.payment,
    );
    return { ...base, status: 202, result: { status: r.status, betaald: r.betaald } };
  } catch (err) {
    if (!(err instanceof ProblemError)) throw err;
    const { status, rule, detail } = err.problem;
    return { ...base, status, ...(rule ? { rule } : {}), ...(detail ? { detail } : {}) };
  }
}

export function claimRoutes(deps: ClaimRouteDeps) {
  const db = () => deps.database.db;
  return createRouter()
    .openapi(listRoute, async (c) => {
      const { limit, cursor, ...filter } = c.req.valid('query');
      const after = cursor ? decodeCursor(z.tuple([batchId]), cursor)?.[0] : undefined;
      const page = await listBatches(db(), c.get('principal'), filter, {
        limit,
        ...(after ? { after } : {}),
      });
      const nextCursor = page.next ? encodeCursor([page.next]) : null;
      return c.json({ items: page.items.map(summary), nextCursor }, 200);
    })
    .openapi(detailRoute, async (c) => {
      const { workflowId } = c.req.valid('param');
      const parts = parseClaimsBatchWorkflowId(workflowId);
      const missing = () => problem(404, 'no claims batch with this id for your key');
      if (!parts || !mayAccess(c.get('principal'), parts)) throw missing();
      const [rows, state] = await Promise.all([
        batchDetail(db(), workflowId),
        batchState(deps.temporal, workflowId),
      ]);
      if (!rows && !state) throw missing();
      const lines = state
        ? state.lines
        : (rows?.lines ?? []).map((l) => ({
            referentieNummer: l.referentieNummer,
            assignmentWorkflowId: l.assignmentWorkflowId,
            toewijzingNummer: l.toewijzingNummer,
            bedrag: l.bedrag,
            debetCredit: l.debetCredit,
            status: l.status,
            ...(l.retourCodes ? { retourCodes: l.retourCodes } : {}),
          }));
      return c.json(
        {
          workflowId,
          aanbieder: parts.aanbieder,
          gemeente: parts.gemeente,
          maand: parts.maand,
          status: state?.status ?? rows?.batch.status ?? 'verzamelen',
          declaratie: rows ? summary(rows.batch) : null,
          antwoorden: (rows?.answers ?? []).map((a) => ({
            inboxMessageId: a.inboxMessageId,
            ontvangen: a.ontvangen,
            kind: a.kind,
            mismatches: a.mismatches,
          })),
          lines,
          state: state as unknown as Record<string, never> | null,
        },
        200,
      );
    })
    .openapi(paymentFileRoute, async (c) => {
      const parsed = parsePaymentFile(await c.req.text());
      if (!parsed.ok) throw parsed.problem;
      const principal = c.get('principal');
      const lines: z.infer<typeof paymentLineResult>[] = [...parsed.refused];
      for (const l of parsed.lines) lines.push(await applyLine(deps, principal, l));
      lines.sort((a, b) => a.line - b.line);
      const accepted = lines.filter((l) => l.status === 202).length;
      return c.json({ accepted, refused: lines.length - accepted, lines }, 200);
    });
}
