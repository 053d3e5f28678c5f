import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';

/*
 * Every error the API answers is an RFC 9457 problem (application/problem+json). Handlers never build
 * error responses themselves: they `throw problem(...)`, and app.onError (api/errors.ts) renders it
 * (middleware that must answer instead of throwing uses `renderProblem`).
 * Problems name the rule that was broken, never the request's content (it may hold a BSN or a name).
 */

export const problemContentType = 'application/problem+json';

/** One broken rule: a domain rule (e.g. TR326 with its retour code) or a request field's schema rule. */
export const findingSchema = z
  .object({
    rule: z.string().openapi({ example: 'TR326' }),
    path: z.string().openapi({ example: 'query.limit' }),
    message: z.string(),
    retourCode: z.string().optional(),
    hint: z.string().optional(),
  })
  .openapi('Finding');
export type ProblemFinding = z.infer<typeof findingSchema>;

export const problemSchema = z
  .object({
    type: z.string().openapi({ example: 'about:blank' }),
    title: z.string().openapi({ example: 'Not Found' }),
    status: z.number().int().openapi({ example: 404 }),
    detail: z.string().optional(),
    /** The one rule that decided the answer, when there is one (e.g. 'TR326'). */
    rule: z.string().optional(),
    findings: z.array(findingSchema).optional(),
  })
  .openapi('Problem');
export type Problem = z.infer<typeof problemSchema>;

/** Problem types beyond `about:blank`; stable identifiers a client may switch on. */
export const problemTypes = {
  validation: 'urn:iwmo-flow:problem:validation',
  rateLimited: 'urn:iwmo-flow:problem:rate-limited',
  rule: 'urn:iwmo-flow:problem:rule',
} as const;

const reasons: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export function reasonPhrase(status: number): string {
  return reasons[status] ?? 'Error';
}

export interface ProblemExtras {
  type?: string;
  title?: string;
  rule?: string;
  findings?: ProblemFinding[];
  /** Extension members (RFC 9457 §3.2) a route declares in its own schema, e.g. POST /v1/messages' outcome. */
  members?: Record<string, unknown>;
  /** Response headers, e.g. Allow, Retry-After, WWW-Authenticate. */
  headers?: Record<string, string>;
}

/** A thrown problem; app.onError turns it into its response. Keeps HTTPException's status semantics. */
export class ProblemError extends HTTPException {
  readonly problem: Problem;
  readonly headers: Record<string, string>;
  constructor(problem: Problem, headers: Record<string, string> = {}) {
    super(problem.status as ContentfulStatusCode, { message: problem.detail ?? problem.title });
    this.name = 'ProblemError';
    this.problem = problem;
    this.headers = headers;
  }
}

/** `throw problem(404, 'no escalation with this id')`: the one way a handler reports an error. */
export function problem(
  status: ContentfulStatusCode,
  detail: string,
  extras: ProblemExtras = {},
): ProblemError {
  const { headers, members, ...rest } = extras;
  const body: Problem = {
    type: rest.type ?? 'about:blank',
    title: rest.title ?? reasonPhrase(status),
    status,
    detail,
    ...(rest.rule !== undefined && { rule: rest.rule }),
    ...(rest.findings !== undefined && { findings: rest.findings }),
    ...members,
  };
  return new ProblemError(body, headers);
}

/** Renders a problem through the context, so headers set earlier (X-Request-Id) stay on the response. */
export function renderProblem(c: Context, body: Problem, headers: Record<string, string> = {}): Response {
  return c.body(JSON.stringify(body), body.status as ContentfulStatusCode, {
    ...headers,
    'content-type': problemContentType,
  });
}

/** Which part of the request a validation failure is about, as zod-openapi names it. */
export type RequestPart = 'json' | 'query' | 'param' | 'header' | 'cookie' | 'form';

const partNames: Record<RequestPart, string> = {
  json: 'body',
  form: 'body',
  query: 'query',
  param: 'path',
  header: 'header',
  cookie: 'cookie',
};

/**
 * A request that breaks its zod schema → 422, one finding per issue naming the field
 * ('query.limit') and the zod rule ('too_big'). Zod's messages describe the rule, not the value.
 */
export function validationProblem(part: RequestPart, error: ZodError): ProblemError {
  const prefix = partNames[part];
  const findings = error.issues.map((issue) => ({
    rule: issue.code,
    path: [prefix, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const first = findings[0];
  const detail = first ? `${first.path}: ${first.message}` : `${prefix} does not match its schema`;
  return problem(422, detail, { type: problemTypes.validation, findings });
}
