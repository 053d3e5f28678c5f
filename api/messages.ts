import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { type Inbound, type InboundOutcome, InboundRetryableError } from '../activities/inbound';
import { partiesOf, sniffHeaderBytes } from '../activities/messaging/sniff';
import type { Database } from '../db';
import { type AuthEnv, mayAccess, type Principal } from './auth';
import { messageArchiveRoutes } from './message-archive';
import { findingSchema, problem, problemContentType, problemSchema } from './problem';
import { bearerSecurity } from './router';

/*
 * iWmo XML messages in: POST /v1/messages stores, decodes and routes one message (activities/inbound.ts)
 * and answers per toewijzing what happened; the reads (both directions) are the archive,
 * api/message-archive.ts.
 *
 * Scope: a key acts for its own AGB and gemeente codes. A message whose header names neither as Afzender
 * or Ontvanger is refused with 403 before anything is stored: it is not this tenant's message, and storing
 * it (even as rejected) would put another party's client data in our inbox on a stranger's word. A message
 * whose header cannot be read at all is the caller's own garbage: it is stored as rejected, visible to
 * the key that posted it. GETs answer 404 for a message outside the caller's scope, as for one that
 * does not exist.
 */

export interface MessageRouteDeps {
  db: Database;
  inbound: Pick<Inbound, 'receiveMessage'>;
  /** Messages per database page of GET /v1/messages/export; default 100. */
  exportPageSize?: number;
  /** The API's log (a failed export's line); createApi passes its own. */
  log?: (line: string) => void;
}

/** OP179: 25 MB per file. */
export const maxMessageBytes = 25 * 1024 * 1024;
const xmlTypes = ['application/xml', 'text/xml'];

// ---- schemas (OpenAPI) ----

const outcome = z
  .object({
    messageId: z.string().uuid(),
    duplicate: z.boolean(),
    status: z.enum(['received', 'routed', 'rejected']),
    messageType: z.string().nullable().openapi({ example: 'WMO301' }),
    findings: z.array(findingSchema),
    toewijzingen: z.array(
      z.object({
        toewijzingNummer: z.number().int(),
        workflowId: z.string().openapi({ example: 'wmo:1916:101' }),
        result: z.literal('signalled'),
      }),
    ),
    retour: z
      .object({
        workflowId: z.string(),
        heenType: z.string(),
        heenIdentificatie: z.string(),
        retourCodes: z.array(z.string()),
      })
      .optional(),
    declaratie: z
      .object({ workflowId: z.string(), declaratieIdentificatie: z.string() })
      .optional()
      .openapi({ description: 'a 325: the claims batch whose 323 it answers' }),
    answer: z.object({ messageType: z.string(), outboxId: z.string(), identificatie: z.string() }).optional(),
    note: z.string().optional(),
  })
  .openapi('InboundOutcome');

/** A problem (api/problem.ts) that also says which stored message it is about, and what became of it. */
const messageProblem = problemSchema
  .extend({ messageId: z.string().optional(), outcome: outcome.optional() })
  .openapi('MessageProblem');

const problemResponse = (description: string) => ({
  description,
  content: { [problemContentType]: { schema: messageProblem } },
});

function principalOf(c: Context<AuthEnv>): Principal | undefined {
  return c.get('principal') as Principal | undefined;
}

// ---- middleware ----

const xmlOnly = createMiddleware<AuthEnv>(async (c, next) => {
  const mediaType = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!xmlTypes.includes(mediaType))
    throw problem(415, `send the message as ${xmlTypes.join(' or ')} (got '${mediaType || 'none'}')`);
  await next();
});

const limit = bodyLimit({
  maxSize: maxMessageBytes,
  onError: () => {
    throw problem(413, `a message may be at most ${maxMessageBytes} bytes (OP179: 25 MB)`);
  },
});

// ---- routes ----

const postMessage = createRoute({
  operationId: 'receiveMessage',
  method: 'post',
  path: '/messages',
  security: bearerSecurity,
  summary: 'Receive an iWmo 3.2 XML message',
  description:
    'Stored first, then decoded and routed: a WMO301 starts or updates one assignment workflow per ' +
    'toewijzing, a WMO306/308 signals the workflow of the 305/307 it answers. The same message again ' +
    'is answered with the earlier outcome (`duplicate: true`).',
  middleware: [xmlOnly, limit] as const,
  request: {
    body: {
      required: true,
      content: { 'application/xml': { schema: z.string() }, 'text/xml': { schema: z.string() } },
    },
  },
  responses: {
    401: problemResponse('No API key'),
    202: {
      description: 'Stored and routed (or stored: a type nothing consumes yet)',
      content: { 'application/json': { schema: outcome } },
    },
    403: problemResponse('The header names no AGB or gemeente code of this key; nothing stored'),
    413: problemResponse('Larger than 25 MB'),
    415: problemResponse('Not application/xml or text/xml'),
    422: problemResponse('Rejected (stored with its findings; a 301 with rule findings got its 302)'),
    503: problemResponse('Stored, but routing failed; send it again later'),
  },
});

function answer(c: Context, result: InboundOutcome) {
  if (result.status !== 'rejected') return c.json(result, 202);
  const first = result.findings[0];
  const detail = first ? `${first.rule}: ${first.message}` : 'message rejected';
  throw problem(422, detail, {
    findings: result.findings,
    members: { messageId: result.messageId, outcome: result },
  });
}

export function messageRoutes(deps: MessageRouteDeps) {
  const app = new OpenAPIHono<AuthEnv>();

  app.openapi(postMessage, async (c) => {
    const p = principalOf(c);
    if (!p) throw problem(401, 'missing API key');
    // The bytes as sent: reading them as text would replace what is not UTF-8 (the inbound path checks).
    const payload = new Uint8Array(await c.req.arrayBuffer());
    const sniffed = sniffHeaderBytes(payload);
    const parties = partiesOf(sniffed);
    const readable = parties.gemeente !== undefined || parties.aanbieder !== undefined;
    if (readable && !mayAccess(p, parties))
      throw problem(403, 'this key acts for neither the Afzender nor the Ontvanger of this message');
    try {
      return answer(c, await deps.inbound.receiveMessage({ payload, transport: 'api', submittedBy: p.id }));
    } catch (err) {
      if (err instanceof InboundRetryableError)
        throw problem(503, 'stored, but routing failed; send the same message again later', {
          members: { messageId: err.messageId },
          headers: { 'retry-after': '30' },
        });
      throw err;
    }
  });

  // The archive: GET /messages (list), /messages/export, /messages/{id}, /{id}/xml, /{id}/conversation.
  app.route('/messages', messageArchiveRoutes(deps));
  return app;
}
