import { createHash, randomUUID } from 'node:crypto';
import { Agent } from 'node:https';
import { z } from 'zod';
import { type BerichtstroomOf, placeholderBerichtstroom } from '../berichtstroom';
import { TransportRequestError, TransportRetryableError } from '../errors';
import {
  type BerichtstatusGegevens,
  berichtstatusGegevens,
  describeIssues,
  type PulledMetadata,
  type PushMetadata,
  pulledMetadata,
  pushMetadata,
} from '../metadata';
import {
  type FetchedMessage,
  maxFetchLimit,
  type OutgoingTransportMessage,
  type SendReceipt,
  type Transport,
  type TransportStatus,
} from '../types';
import { type HttpRequest, type HttpResponse, send, statusError } from './http';

/*
 * The VECOZO-style REST transport (VSP-Koppeling: push v1, pull v1, berichtstatus v3) over mutual TLS.
 *  - send: POST {push}/berichten, multipart `berichtMetadata` (JSON) + `payload` (octet-stream).
 *  - fetch: GET {pull}/berichten?limit=n (the oldest ready messages, metadata only), then each payload
 *    from {pull}/berichten/{traceerId}/payload, checked against the announced size and SHA-256.
 *  - confirm: DELETE {pull}/berichten/{traceerId}; afterwards it is not offered again.
 *  - status: GET {status}/berichtstatussen?traceerId= (the message and the ones answering it).
 * Payload URLs in the metadata are not followed: the client certificate only ever goes to the configured
 * host.
 */

export interface RestEndpoints {
  push: string;
  pull: string;
  status: string;
}

/** VECOZO's layout under one root, e.g. https://api.vecozo.nl/berichtenservice (also the simulator's). */
export function vecozoEndpoints(root: string): RestEndpoints {
  const base = root.replace(/\/+$/, '');
  return {
    push: `${base}/berichten/rest-push/v1`,
    pull: `${base}/berichten/rest-pull/v1`,
    status: `${base}/berichtstatus/rest-pull/v3`,
  };
}

export interface RestTransportConfig {
  endpoints: RestEndpoints;
  /** PEM: the systeemcertificaat and its key; `ca` replaces the system roots (a test CA). */
  tls: { cert: string; key: string; ca?: string; passphrase?: string };
  /** Per request; default 30 s. */
  timeoutMs?: number;
  /**
   * A kept-alive connection unused this long is closed by us (default 4 s). Keep it below the server's
   * own idle timeout (often 5 s): a connection the server closed while idle is otherwise picked for the
   * next request, which then fails with a reset. A reset on a reused connection is retried once anyway.
   */
  idleSocketMs?: number;
  /** A payload announced larger is not downloaded (`unavailable: 'too-large'`); default 32 MiB. */
  maxPayloadBytes?: number;
  /**
   * One fetch stops adding messages once their announced sizes reach this (at least one message is
   * always taken); the rest stay offered for the next fetch. Default 64 MiB: memory stays bounded even
   * with 250 messages of 25 MB ready.
   */
  maxBatchBytes?: number;
  berichtstroom?: BerichtstroomOf;
  /** The inbox's `transport` value; default 'vecozo'. */
  name?: string;
}

/** VECOZO refuses larger uploads (OP179: 25 MB per file). */
export const maxPushBytes = 25 * 1024 * 1024;
const mib = 1024 * 1024;
/** Below the 5 s idle timeout of Node's http server and many proxies. */
export const defaultIdleSocketMs = 4_000;
const downloadConcurrency = 4;

const pulledList = z.array(pulledMetadata).max(maxFetchLimit);
const statusList = z.array(berichtstatusGegevens);

function parseJson<T>(res: HttpResponse, schema: z.ZodType<T>, what: string, op: 'fetch' | 'status'): T {
  let json: unknown;
  try {
    json = JSON.parse(res.body.toString('utf8'));
  } catch {
    throw new TransportRequestError(`${what} answered ${res.status} with a body that is not JSON`, op);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new TransportRequestError(
      `${what} answered an unexpected shape: ${describeIssues(parsed.error)}`,
      op,
    );
  }
  return parsed.data;
}

function toStatus(g: BerichtstatusGegevens): TransportStatus {
  const { traceerId, conversatieId, alsAntwoordOp } = g.referentiegegevens;
  return {
    traceerId,
    conversatieId,
    ...(alsAntwoordOp ? { alsAntwoordOp } : {}),
    status: g.berichtstatus,
    changedAt: g.berichtstatusGewijzigdOp,
    meldingen: g.meldingen ?? [],
  };
}

/** Takes the oldest entries while their sizes fit the budget; always the first. */
function withinBudget(list: PulledMetadata[], budget: number, maxPayload: number): PulledMetadata[] {
  const taken: PulledMetadata[] = [];
  let total = 0;
  for (const m of list) {
    const size = m.basisgegevens.payload.grootte;
    const counted = size > maxPayload ? 0 : size; // too large: not downloaded, costs nothing
    if (taken.length > 0 && total + counted > budget) break;
    taken.push(m);
    total += counted;
  }
  return taken;
}

/** Multipart body of a push; the boundary comes from the platform's FormData encoder. */
async function multipart(metadata: PushMetadata, payload: Uint8Array) {
  const form = new FormData();
  form.set('berichtMetadata', new Blob([JSON.stringify(metadata)], { type: 'application/json' }));
  form.set('payload', new Blob([payload], { type: 'application/octet-stream' }), 'payload.xml');
  const encoded = new Request('https://multipart.invalid/', { method: 'POST', body: form });
  const body = new Uint8Array(await encoded.arrayBuffer());
  return { body, contentType: encoded.headers.get('content-type') ?? 'multipart/form-data' };
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createRestTransport(config: RestTransportConfig): Transport & {
  /** Statuses of every message in a conversation. */
  conversationStatus(conversatieId: string): Promise<TransportStatus[]>;
  close(): void;
} {
  const timeoutMs = config.timeoutMs ?? 30_000;
  const maxPayloadBytes = config.maxPayloadBytes ?? 32 * mib;
  const maxBatchBytes = config.maxBatchBytes ?? 64 * mib;
  const berichtstroom = config.berichtstroom ?? placeholderBerichtstroom;
  // `timeout` on a keep-alive agent destroys a free socket idle that long (it does not abort requests).
  const agent = new Agent({
    ...config.tls,
    keepAlive: true,
    maxSockets: 8,
    timeout: config.idleSocketMs ?? defaultIdleSocketMs,
  });
  const url = (base: string, path: string) => new URL(`${base.replace(/\/+$/, '')}${path}`);
  const jsonLimit = 16 * mib;

  function exchange(
    req: Omit<HttpRequest, 'timeoutMs' | 'maxResponseBytes'>,
    op: Parameters<typeof send>[2],
  ) {
    const maxResponseBytes = op === 'payload' ? maxPayloadBytes : jsonLimit;
    return send(agent, { timeoutMs, maxResponseBytes, ...req }, op);
  }

  function checkId(traceerId: string, op: 'confirm' | 'status' | 'payload') {
    if (!uuidPattern.test(traceerId)) {
      throw new TransportRequestError(`traceerId must be a uuid (got ${traceerId.length} characters)`, op);
    }
  }

  async function download(m: PulledMetadata): Promise<FetchedMessage> {
    const { traceerId, conversatieId, alsAntwoordOp } = m.referentiegegevens;
    const { grootte, checksum } = m.basisgegevens.payload;
    const envelope = {
      traceerId,
      conversatieId,
      ...(alsAntwoordOp ? { alsAntwoordOp } : {}),
      ontvangenOp: m.basisgegevens.ontvangenOp,
      afzender: m.routeringgegevens.afzender,
      berichtstroom: m.routeringgegevens.berichtstroom,
      size: grootte,
    };
    if (grootte > maxPayloadBytes) return { ...envelope, payload: null, unavailable: 'too-large' };
    checkId(traceerId, 'payload');
    const res = await exchange(
      { method: 'GET', url: url(config.endpoints.pull, `/berichten/${traceerId}/payload`) },
      'payload',
    );
    if (res.status === 404) return { ...envelope, payload: null, unavailable: 'not-found' };
    if (res.status !== 200) throw statusError(res, 'payload', `payload of ${traceerId}`);
    if (res.body.byteLength !== grootte) {
      const msg = `payload of ${traceerId} is ${res.body.byteLength} bytes, announced ${grootte}`;
      throw new TransportRetryableError(msg, 'payload', res.status);
    }
    if (checksum.algoritme.toUpperCase().replace('-', '') === 'SHA256') {
      const actual = createHash('sha256').update(res.body).digest('hex');
      if (actual !== checksum.waarde.toLowerCase()) {
        throw new TransportRetryableError(`payload of ${traceerId} fails its SHA-256 checksum`, 'payload');
      }
    }
    return { ...envelope, payload: new Uint8Array(res.body) };
  }

  async function downloadAll(list: PulledMetadata[]): Promise<FetchedMessage[]> {
    const out: FetchedMessage[] = new Array(list.length);
    let next = 0;
    const worker = async () => {
      while (next < list.length) {
        const i = next++;
        out[i] = await download(list[i] as PulledMetadata);
      }
    };
    await Promise.all(Array.from({ length: Math.min(downloadConcurrency, list.length) }, worker));
    return out;
  }

  async function statuses(query: string, value: string): Promise<TransportStatus[]> {
    const target = url(config.endpoints.status, '/berichtstatussen');
    target.searchParams.set(query, value);
    const res = await exchange({ method: 'GET', url: target }, 'status');
    if (res.status !== 200) throw statusError(res, 'status', `status of ${value}`);
    return parseJson(res, statusList, 'berichtstatussen', 'status').map(toStatus);
  }

  return {
    name: config.name ?? 'vecozo',

    async send(message: OutgoingTransportMessage): Promise<SendReceipt> {
      const payload =
        typeof message.payload === 'string' ? new TextEncoder().encode(message.payload) : message.payload;
      if (payload.byteLength > maxPushBytes) {
        const msg = `payload is ${payload.byteLength} bytes; VECOZO takes at most ${maxPushBytes} (OP179)`;
        throw new TransportRequestError(msg, 'send');
      }
      const traceerId = message.traceerId ?? randomUUID();
      const referentiegegevens = {
        conversatieId: message.conversatieId ?? traceerId,
        traceerId,
        ...(message.alsAntwoordOp ? { alsAntwoordOp: message.alsAntwoordOp } : {}),
        ...(message.referentieId ? { referentieId: message.referentieId } : {}),
      };
      const parsed = pushMetadata.safeParse({
        routeringgegevens: {
          afzender: message.afzender,
          geadresseerden: [message.geadresseerde],
          berichtstroom: berichtstroom(message.messageType),
        },
        referentiegegevens,
      });
      if (!parsed.success) {
        throw new TransportRequestError(`berichtMetadata: ${describeIssues(parsed.error)}`, 'send');
      }
      const { body, contentType } = await multipart(parsed.data, payload);
      const res = await exchange(
        {
          method: 'POST',
          url: url(config.endpoints.push, '/berichten'),
          headers: { 'content-type': contentType },
          body,
        },
        'send',
      );
      if (res.status < 200 || res.status > 299) throw statusError(res, 'send', `push of ${traceerId}`);
      const { conversatieId, alsAntwoordOp } = parsed.data.referentiegegevens;
      return { traceerId, conversatieId, ...(alsAntwoordOp ? { alsAntwoordOp } : {}) };
    },

    async fetch(limit = maxFetchLimit): Promise<FetchedMessage[]> {
      if (!Number.isInteger(limit) || limit < 1 || limit > maxFetchLimit) {
        throw new TransportRequestError(`limit must be a whole number 1..${maxFetchLimit}`, 'fetch');
      }
      const target = url(config.endpoints.pull, '/berichten');
      target.searchParams.set('limit', String(limit));
      const res = await exchange({ method: 'GET', url: target }, 'fetch');
      if (res.status !== 200) throw statusError(res, 'fetch', 'pull');
      const list = parseJson(res, pulledList, 'pull', 'fetch').slice(0, limit);
      return downloadAll(withinBudget(list, maxBatchBytes, maxPayloadBytes));
    },

    async confirm(traceerId: string) {
      checkId(traceerId, 'confirm');
      const res = await exchange(
        { method: 'DELETE', url: url(config.endpoints.pull, `/berichten/${traceerId}`) },
        'confirm',
      );
      if (res.status === 404) return 'unknown';
      if (res.status < 200 || res.status > 299) throw statusError(res, 'confirm', `confirm of ${traceerId}`);
      return 'confirmed';
    },

    async status(traceerId: string) {
      checkId(traceerId, 'status');
      return statuses('traceerId', traceerId);
    },

    async conversationStatus(conversatieId: string) {
      checkId(conversatieId, 'status');
      return statuses('conversatieId', conversatieId);
    },

    close() {
      agent.destroy();
    },
  };
}

export type RestTransport = ReturnType<typeof createRestTransport>;
