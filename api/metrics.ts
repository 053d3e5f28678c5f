import type { MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { matchedRoutes } from 'hono/route';

/*
 * The API's request metrics in the Prometheus text format: a counter and a duration histogram per method,
 * route pattern (`/v1/assignments/:id`, never the path itself: an id in a label would make one series per
 * assignment and put identifiers into the metrics store) and status. The worker's metrics come from the
 * Temporal SDK on its own endpoint (METRICS_BIND_ADDRESS); these are served at GET /metrics beside the API.
 * Hand-written because it is two series: a metrics library would be a dependency for forty lines.
 */

/** Seconds; spans a /health answer (ms) to a 25 MB message upload (seconds). */
const bucketsSeconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Series {
  count: number;
  sum: number;
  buckets: number[];
}

export class RequestMetrics {
  private readonly series = new Map<string, Series>();

  observe(method: string, route: string, status: number, seconds: number): void {
    const key = labels({ method, route, status: String(status) });
    let s = this.series.get(key);
    if (!s) {
      s = { count: 0, sum: 0, buckets: bucketsSeconds.map(() => 0) };
      this.series.set(key, s);
    }
    s.count++;
    s.sum += seconds;
    for (const [i, le] of bucketsSeconds.entries()) if (seconds <= le) s.buckets[i] = (s.buckets[i] ?? 0) + 1;
  }

  /** Prometheus text exposition format 0.0.4. */
  render(): string {
    const out = [
      '# HELP iwmo_api_requests_total HTTP requests answered by the API, per method, route pattern and status.',
      '# TYPE iwmo_api_requests_total counter',
    ];
    for (const [key, s] of this.series) out.push(`iwmo_api_requests_total{${key}} ${s.count}`);
    out.push(
      '# HELP iwmo_api_request_duration_seconds Time from request to response, per method, route pattern and status.',
      '# TYPE iwmo_api_request_duration_seconds histogram',
    );
    for (const [key, s] of this.series) {
      for (const [i, le] of bucketsSeconds.entries())
        out.push(`iwmo_api_request_duration_seconds_bucket{${key},le="${le}"} ${s.buckets[i]}`);
      out.push(`iwmo_api_request_duration_seconds_bucket{${key},le="+Inf"} ${s.count}`);
      out.push(`iwmo_api_request_duration_seconds_sum{${key}} ${s.sum}`);
      out.push(`iwmo_api_request_duration_seconds_count{${key}} ${s.count}`);
    }
    return `${out.join('\n')}\n`;
  }
}

function labels(values: Record<string, string>): string {
  const quoted = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  return Object.entries(values)
    .map(([k, v]) => `${k}="${quoted(v)}"`)
    .join(',');
}

/**
 * Measures every request. The route is the pattern Hono matched; a path no route matched counts as
 * `unmatched`, so scanning for random paths cannot grow the series without bound.
 */
export function requestMetrics(metrics: RequestMetrics): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const route = patternOf(c);
      metrics.observe(c.req.method, route, c.res.status, (performance.now() - started) / 1000);
    }
  };
}

/** The pattern of the handler that answered: the last matched route that is not middleware (ALL). */
function patternOf(c: Parameters<MiddlewareHandler>[0]): string {
  return (
    matchedRoutes(c)
      .filter((r) => r.method !== 'ALL')
      .at(-1)?.path ?? 'unmatched'
  );
}

export function metricsRoutes(metrics: RequestMetrics) {
  return new Hono().get('/', (c) =>
    c.text(metrics.render(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }),
  );
}
