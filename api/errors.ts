import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { type Problem, ProblemError, reasonPhrase, renderProblem } from './problem';

/*
 * Errors in one place. A ProblemError renders as itself; any other HTTPException (hono's own 400 for
 * malformed JSON, zod-openapi's 415) keeps its status as a problem; anything else is a 500 that names
 * no internals — the log gets the error's class name and the request id, never its message, which
 * could quote a payload.
 */

export type ErrorLog = (line: string) => void;

export function errorHandler(log: ErrorLog): ErrorHandler {
  return (err, c) => {
    if (err instanceof ProblemError) return renderProblem(c, err.problem, err.headers);
    if (err instanceof HTTPException) {
      const body: Problem = {
        type: 'about:blank',
        title: reasonPhrase(err.status),
        status: err.status,
        detail: err.message || reasonPhrase(err.status),
      };
      return renderProblem(c, body);
    }
    log(`[api] unhandled ${err instanceof Error ? err.name : typeof err} req=${requestIdOf(c)}`);
    return renderProblem(c, {
      type: 'about:blank',
      title: reasonPhrase(500),
      status: 500,
      detail: `internal error; quote request id ${requestIdOf(c)} when reporting it`,
    });
  };
}

export const notFoundHandler: NotFoundHandler = (c) =>
  renderProblem(c, {
    type: 'about:blank',
    title: reasonPhrase(404),
    status: 404,
    detail: `no route ${c.req.method} ${c.req.path}`,
  });

function requestIdOf(c: Context): string {
  return (c.get('requestId' as never) as string | undefined) ?? '-';
}
