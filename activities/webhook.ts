import { Webhook } from 'standardwebhooks';

/*
 * One signed POST per Standard Webhooks (standardwebhooks.com): headers webhook-id (stable across
 * retries, so a receiver drops a repeat), webhook-timestamp and webhook-signature
 * (v1,base64(HMAC-SHA256(secret, "{id}.{timestamp}.{body}"))). The outcome says whether another attempt
 * could help; nothing from the receiver's response body is kept.
 */

export interface WebhookEndpoint {
  party: 'aanbieder' | 'gemeente';
  /** AGB code (aanbieder) or CBS gemeentecode (gemeente) this endpoint is for. */
  code: string;
  url: string;
  /** Standard Webhooks secret, 'whsec_' + base64. */
  secret: string;
}

export type WebhookOutcome =
  | { ok: true; status: number }
  | { ok: false; retryable: boolean; status?: number; error: string };

/** Statuses a later attempt may cure; any other non-2xx is the receiver refusing this message. */
function retryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 425 || status === 429;
}

/** A short, content-free reason for a network failure: the error code where Node gives one. */
function networkReason(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError') return 'timed out';
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' ? cause.code : err instanceof Error ? err.name : 'network error';
}

export async function sendWebhook(
  endpoint: WebhookEndpoint,
  messageId: string,
  body: string,
  timeoutMs: number,
): Promise<WebhookOutcome> {
  const timestamp = new Date();
  const signature = new Webhook(endpoint.secret).sign(messageId, timestamp, body);
  let res: Response;
  try {
    res = await fetch(endpoint.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        // A fresh connection per delivery: escalations are rare, and a pooled connection the receiver
        // has just closed would turn into a needless failed attempt.
        connection: 'close',
        'user-agent': 'iwmo-flow',
        'webhook-id': messageId,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body,
      // A redirect is not followed: the configured URL is the only place the payload may go.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    return { ok: false, retryable: true, error: networkReason(err) };
  }
  await res.body?.cancel().catch(() => undefined);
  if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
  return {
    ok: false,
    retryable: retryableStatus(res.status),
    status: res.status,
    error: `HTTP ${res.status}`,
  };
}
