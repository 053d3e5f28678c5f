import type { TLSSocket } from 'node:tls';
import type { HttpBindings } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { z } from 'zod';
import {
  type BerichtstatusGegevens,
  describeIssues,
  type Melding,
  type PulledMetadata,
  pushMetadata,
} from '../transport/metadata';
import { maxFetchLimit } from '../transport/types';
import { type Misbehaviour, misbehaviourSchema, type Scenario } from './scenario';
import type { MailboxStore, NewMessage, SimMessage } from './store';

/*
 * The simulator's HTTP API, shaped like VECOZO's VSP-Koppeling (domain brief §6.2), all under one root:
 *   POST   /berichten/rest-push/v1/berichten                    push (multipart berichtMetadata + payload)
 *   GET    /berichten/rest-pull/v1/berichten?limit=             oldest unconfirmed messages (metadata)
 *   GET    /berichten/rest-pull/v1/berichten/{traceerId}/payload
 *   DELETE /berichten/rest-pull/v1/berichten/{traceerId}        confirm receipt (202)
 *   GET    /berichtstatus/rest-pull/v3/berichtstatussen?traceerId=|conversatieId=
 * and /admin/* for the certificate 'simulator-admin' (state, misbehaviour, issuing 301s, releasing held
 * downloads).
 * The caller is the CN of its client certificate (TLS already refused anyone without a trusted one);
 * it may push only as itself and pulls only its own mailbox.
 */

export const adminCn = 'simulator-admin';
/** VECOZO: 25 MB per file (OP179). */
export const maxPayloadBytes = 25 * 1024 * 1024;

export interface SimulatorAppDeps {
  store: MailboxStore;
  scenario: () => Scenario;
  misbehaviour: Misbehaviour;
  /** Gemeente codes the simulator answers for itself. */
  simulated: ReadonlySet<string>;
  /** A pushed message for a simulated gemeente. */
  receive: (message: SimMessage) => void;
  /** Issues the scenario's 301s now; returns their traceerIds. */
  issue: (count?: number) => string[];
  /** The gemeente downloads what it held (misbehaviour holdDownloads); returns their traceerIds. */
  download: () => string[];
  log: (line: string) => void;
}

type Env = { Bindings: HttpBindings; Variables: { caller: string } };

const problem = (
  c: Context,
  status: 400 | 403 | 404 | 413 | 422 | 500,
  title: string,
  meldingen?: Melding[],
) =>
  c.body(JSON.stringify({ status, title, ...(meldingen ? { meldingen } : {}) }), status, {
    'content-type': 'application/problem+json',
  });

const uuid = z.uuid();

function toPulled(m: SimMessage, base: string): PulledMetadata {
  return {
    basisgegevens: {
      ontvangenOp: m.ontvangenOp,
      payload: {
        url: `${base}/berichten/rest-pull/v1/berichten/${m.traceerId}/payload`,
        grootte: m.payload.byteLength,
        checksum: { algoritme: 'SHA256', waarde: m.sha256 },
      },
    },
    routeringgegevens: {
      afzender: m.afzender,
      geadresseerden: [m.geadresseerde],
      berichtstroom: m.berichtstroom,
    },
    referentiegegevens: referentie(m),
  };
}

function referentie(m: SimMessage) {
  return {
    conversatieId: m.conversatieId,
    traceerId: m.traceerId,
    ...(m.alsAntwoordOp ? { alsAntwoordOp: m.alsAntwoordOp } : {}),
    ...(m.referentieId ? { referentieId: m.referentieId } : {}),
  };
}

function toStatus(m: SimMessage): BerichtstatusGegevens {
  return {
    referentiegegevens: referentie(m),
    berichtstroom: m.berichtstroom,
    berichtstatus: m.status,
    berichtstatusGewijzigdOp: m.statusGewijzigdOp,
    ...(m.meldingen?.length ? { meldingen: m.meldingen } : {}),
    berichtOntvangenOp: m.ontvangenOp,
  };
}

async function partText(part: string | File | null): Promise<string | undefined> {
  if (part === null) return undefined;
  return typeof part === 'string' ? part : await part.text();
}

export function createSimulatorApp(deps: SimulatorAppDeps) {
  const app = new Hono<Env>();

  // Who is calling: the CN of the verified client certificate.
  app.use('*', async (c, next) => {
    const socket = c.env.incoming.socket as TLSSocket;
    const cn = socket.authorized ? socket.getPeerCertificate()?.subject?.CN : undefined;
    if (typeof cn !== 'string' || !cn) return problem(c, 403, 'a client certificate with a CN is required');
    c.set('caller', cn);
    await next();
  });

  const misbehave = createMiddleware<Env>(async (c, next) => {
    const m = deps.misbehaviour;
    if (m.slowMs > 0) {
      // Logged before the wait: a fault test knows the request is in flight (held) from this line.
      deps.log(`slow ${c.req.method} ${c.req.path} (${m.slowMs} ms)`);
      await new Promise((r) => setTimeout(r, m.slowMs));
    }
    if (m.fail500 > 0) {
      m.fail500--;
      return problem(c, 500, 'simulated server error');
    }
    await next();
    if (m.lateAnswerMs > 0) {
      deps.log(`late answer ${c.req.method} ${c.req.path} (${m.lateAnswerMs} ms)`);
      await new Promise((r) => setTimeout(r, m.lateAnswerMs));
    }
  });
  app.use('/berichten/*', misbehave);
  app.use('/berichtstatus/*', misbehave);

  const base = (c: Context) => new URL(c.req.url).origin;

  app.post(
    '/berichten/rest-push/v1/berichten',
    bodyLimit({
      maxSize: maxPayloadBytes + 1024 * 1024,
      onError: (c) => problem(c, 413, 'request too large'),
    }),
    async (c) => {
      let form: FormData;
      try {
        form = await c.req.formData();
      } catch {
        return problem(c, 400, 'the body must be multipart/form-data with berichtMetadata and payload');
      }
      const metadataText = await partText(form.get('berichtMetadata'));
      const payloadPart = form.get('payload');
      if (metadataText === undefined || payloadPart === null) {
        return problem(c, 400, 'berichtMetadata and payload are both required');
      }
      let json: unknown;
      try {
        json = JSON.parse(metadataText);
      } catch {
        return problem(c, 400, 'berichtMetadata is not JSON');
      }
      const parsed = pushMetadata.safeParse(json);
      if (!parsed.success) return problem(c, 400, `berichtMetadata: ${describeIssues(parsed.error)}`);
      const meta = parsed.data;
      if (meta.routeringgegevens.afzender.code !== c.get('caller')) {
        return problem(c, 403, 'the afzender must be the party of the client certificate');
      }
      const payload =
        typeof payloadPart === 'string'
          ? Buffer.from(payloadPart, 'utf8')
          : Buffer.from(await payloadPart.arrayBuffer());
      if (payload.byteLength === 0) return problem(c, 400, 'payload is empty');
      if (payload.byteLength > maxPayloadBytes) {
        return problem(c, 422, 'payload too large', [
          { code: 'BRS07', omschrijving: 'Bestand is groter dan 25 MB' },
        ]);
      }
      const { traceerId } = meta.referentiegegevens;
      if (deps.store.has(traceerId)) {
        return problem(c, 422, 'refused', [{ code: 'BRS114', omschrijving: 'TraceerID is niet uniek' }]);
      }
      const [geadresseerde] = meta.routeringgegevens.geadresseerden;
      if (!geadresseerde?.code) return problem(c, 400, 'the geadresseerde needs a code');
      const simulated = deps.simulated.has(geadresseerde.code);
      const message: NewMessage = {
        ...meta.referentiegegevens,
        afzender: meta.routeringgegevens.afzender,
        geadresseerde,
        berichtstroom: meta.routeringgegevens.berichtstroom,
        payload,
        status: simulated ? 'Ontvangen' : 'WordtAangeboden',
        ...(simulated ? {} : { mailbox: geadresseerde.code }),
      };
      const stored = deps.store.add(message);
      deps.log(`push ${traceerId} from ${c.get('caller')} to ${geadresseerde.code}`);
      if (simulated) deps.receive(stored);
      return c.body(null, 204);
    },
  );

  app.get('/berichten/rest-pull/v1/berichten', (c) => {
    const raw = c.req.query('limit') ?? String(maxFetchLimit);
    const limit = Number(raw);
    if (!/^[0-9]+$/.test(raw) || limit < 1 || limit > maxFetchLimit) {
      return problem(c, 400, `limit must be a whole number 1..${maxFetchLimit}`);
    }
    const ready = deps.store.ready(c.get('caller'), limit);
    return c.json(ready.map((m) => toPulled(m, base(c))));
  });

  app.get('/berichten/rest-pull/v1/berichten/:traceerId/payload', (c) => {
    const m = deps.store.waiting(c.get('caller'), c.req.param('traceerId'));
    if (!m) return c.body(null, 404);
    return c.body(new Uint8Array(m.payload), 200, { 'content-type': 'application/octet-stream' });
  });

  app.delete('/berichten/rest-pull/v1/berichten/:traceerId', (c) => {
    const traceerId = c.req.param('traceerId');
    if (!deps.store.confirm(c.get('caller'), traceerId)) return c.body(null, 404);
    deps.log(`confirmed ${traceerId} by ${c.get('caller')}`);
    return c.body(null, 202);
  });

  app.get('/berichtstatus/rest-pull/v3/berichtstatussen', (c) => {
    const traceerId = c.req.query('traceerId');
    const conversatieId = c.req.query('conversatieId');
    if ((traceerId === undefined) === (conversatieId === undefined)) {
      return problem(c, 400, 'give exactly one of traceerId and conversatieId');
    }
    const id = (traceerId ?? conversatieId) as string;
    if (!uuid.safeParse(id).success) return problem(c, 400, 'the id must be a uuid');
    const query = traceerId ? { traceerId } : { conversatieId: id };
    return c.json(deps.store.statuses(c.get('caller'), query).map(toStatus));
  });

  // ---- admin: the test or operator steering the simulator ----
  const admin = new Hono<Env>();
  admin.use('*', async (c, next) => {
    if (c.get('caller') !== adminCn) return problem(c, 403, `only the ${adminCn} certificate may use /admin`);
    await next();
  });
  admin.get('/state', (c) => {
    const messages = deps.store.all().map((m) => ({
      traceerId: m.traceerId,
      conversatieId: m.conversatieId,
      alsAntwoordOp: m.alsAntwoordOp,
      type: m.berichtstroom.berichtsubtype,
      from: m.afzender.code,
      to: m.geadresseerde.code,
      status: m.status,
      confirmed: m.confirmed,
    }));
    return c.json({ scenario: deps.scenario().name, misbehaviour: deps.misbehaviour, messages });
  });
  admin.put('/misbehaviour', async (c) => {
    const body = await c.req.json().catch(() => undefined);
    const parsed = misbehaviourSchema.partial().safeParse(body);
    if (!parsed.success) return problem(c, 400, `misbehaviour: ${describeIssues(parsed.error)}`);
    Object.assign(deps.misbehaviour, parsed.data);
    return c.json(deps.misbehaviour);
  });
  admin.post('/issue', async (c) => {
    const body = await c.req.json().catch(() => ({}));
    const parsed = z.object({ count: z.number().int().min(1).max(10_000).optional() }).safeParse(body);
    if (!parsed.success) return problem(c, 400, `issue: ${describeIssues(parsed.error)}`);
    return c.json({ issued: deps.issue(parsed.data.count) });
  });
  admin.post('/download', (c) => c.json({ downloaded: deps.download() }));
  app.route('/admin', admin);

  app.notFound((c) => problem(c, 404, 'no such route'));
  app.onError((err, c) => {
    deps.log(`error: ${err.name}`);
    return problem(c, 500, 'simulator error');
  });
  return app;
}
