import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildStartStopXml } from '../../activities/messaging/build';
import { amsterdamDateOf } from '../../calendar';
import { adminCn } from '../../simulator/app';
import { generateTestPki, readPair, type TestPki } from '../../simulator/certs';
import { parseScenario } from '../../simulator/scenario';
import { type Simulator, startSimulator } from '../../simulator/server';
import {
  TransportError,
  TransportRefusedError,
  TransportRequestError,
  TransportRetryableError,
} from '../../transport/errors';
import { createRestTransport, type RestTransport, vecozoEndpoints } from '../../transport/rest/client';
import type { FetchedMessage } from '../../transport/types';
import { decodeAs } from '../support/messages';

/*
 * The REST transport against the simulator, both real: HTTPS with mutual TLS on 127.0.0.1, certificates
 * made by openssl for this run. The simulator plays gemeente 0384 and issues one 301 to aanbieder
 * 42420001 at start; it answers a 305 after `delayMs`.
 */

const gemeente = '0384';
const aanbieder = '42420001';
const delayMs = 1500;

let dir: string;
let pki: TestPki;
let ca: string;
let sim: Simulator;
let client: RestTransport;

const scenario = parseScenario({
  name: 'transport-test',
  gemeente,
  aanbieder,
  toewijzingen: { clients: 1, seed: 5, firstNummer: 5000 },
  answers: { delayMs, WMO305: { decision: 'approve' } },
});

async function transportFor(cn: string | undefined, options: { timeoutMs?: number } = {}) {
  const pair = cn
    ? await readPair(pki.clients[cn] ?? (pki.untrusted as NonNullable<TestPki['untrusted']>))
    : undefined;
  return createRestTransport({
    endpoints: vecozoEndpoints(sim.url),
    tls: { cert: pair?.cert ?? '', key: pair?.key ?? '', ca },
    ...options,
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iwmo-transport-'));
  pki = await generateTestPki({ dir, clients: [aanbieder, adminCn], untrustedClient: true });
  ca = await readFile(pki.caCert, 'utf8');
  sim = await startSimulator({ tls: { ...(await readPair(pki.server)), ca }, scenario });
  client = await transportFor(aanbieder);
});

afterAll(async () => {
  client?.close();
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  Object.assign(sim.misbehaviour, { slowMs: 0, fail500: 0, duplicateDelivery: 'none', dropRetour: 0 });
});

const text = (m: FetchedMessage | undefined) => (m?.payload ? Buffer.from(m.payload).toString('utf8') : '');

/** Pulls until the mailbox is empty, confirming everything: a clean start for a test. */
async function drain() {
  for (let page = await client.fetch(); page.length; page = await client.fetch()) {
    for (const m of page) await client.confirm(m.traceerId);
  }
}

/** A raw HTTPS GET with the given client certificate (or none): status, or the error code. */
function rawGet(path: string, pair?: { cert: string; key: string }): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(`${sim.url}${path}`, { ca, ...(pair ?? {}) }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    req.end();
  });
}

describe('REST transport ↔ simulator over mutual TLS', () => {
  let the301: FetchedMessage | undefined;

  it('pulls the 301 the simulator issued, with its payload checked and its ids', async () => {
    const page = await client.fetch(10);
    expect(page).toHaveLength(1);
    the301 = page[0];
    expect(the301).toMatchObject({
      afzender: { rol: 'gemeente', code: gemeente },
      berichtstroom: { berichtsubtype: 'WMO301' },
    });
    expect(the301?.conversatieId).toBe(the301?.traceerId); // a heen message opens its conversation
    const { Header } = decodeAs(text(the301), 'WMO301').bericht;
    expect(Header).toMatchObject({ Afzender: gemeente, Ontvanger: aanbieder });
    expect(the301?.size).toBe(the301?.payload?.byteLength);
    // Offered again until confirmed; then gone.
    expect((await client.fetch(10)).map((m) => m.traceerId)).toEqual([the301?.traceerId]);
    expect(await client.confirm(the301?.traceerId as string)).toBe('confirmed');
    expect(await client.fetch(10)).toEqual([]);
    expect(await client.status(the301?.traceerId as string)).toMatchObject([{ status: 'Bezorgd' }]);
  });

  it('pushes a 305; the gemeente answers with a linked 306 after its delay; pull, confirm, gone', async () => {
    const heen = decodeAs(text(the301), 'WMO301').bericht;
    const product = heen.Client.ToegewezenProducten.ToegewezenProduct[0];
    const built = buildStartStopXml(
      text(the301),
      {
        type: 'WMO305',
        toewijzingMessageId: 'unused',
        toewijzingNummer: product?.ToewijzingNummer as number,
        begindatum: product?.Ingangsdatum as string,
        statusAanlevering: '1',
      },
      { identificatie: '305-0000001', dagtekening: amsterdamDateOf(new Date()) },
    );
    if (!built.ok) throw new Error(built.findings.map((f) => f.rule).join());

    const sentAt = Date.now();
    const receipt = await client.send({
      payload: built.xml,
      messageType: 'WMO305',
      afzender: { rol: 'aanbieder', code: aanbieder },
      geadresseerde: { rol: 'gemeente', code: gemeente },
      referentieId: 'outbox-305-1',
    });
    expect(receipt.traceerId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(receipt.conversatieId).toBe(receipt.traceerId);

    // The gemeente takes it at once; its answer waits for the delay.
    await vi.waitFor(async () =>
      expect(await client.status(receipt.traceerId)).toMatchObject([{ status: 'Bezorgd' }]),
    );
    expect(sim.pendingAnswers).toBe(1);
    expect(await client.fetch()).toEqual([]);

    let page: FetchedMessage[] = [];
    await vi.waitFor(
      async () => {
        page = await client.fetch();
        expect(page).toHaveLength(1);
      },
      { timeout: delayMs + 10_000, interval: 100 },
    );
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(delayMs);
    const [retour] = page;
    expect(retour).toMatchObject({
      conversatieId: receipt.conversatieId,
      alsAntwoordOp: receipt.traceerId,
      afzender: { rol: 'gemeente', code: gemeente },
      berichtstroom: { berichtsubtype: 'WMO306' },
    });
    const { Header } = decodeAs(text(retour), 'WMO306').bericht;
    expect(Header.BerichtIdentificatie.Identificatie).toBe('305-0000001');
    expect(Header.RetourCodes).toBeUndefined(); // approved

    // Status by traceerId shows the 305 and the message answering it.
    const statuses = await client.status(receipt.traceerId);
    expect(statuses.map((s) => [s.traceerId, s.status]).sort()).toEqual(
      [
        [receipt.traceerId, 'Bezorgd'],
        [retour?.traceerId, 'WordtAangeboden'],
      ].sort(),
    );
    const conversation = await client.conversationStatus(receipt.conversatieId);
    expect(conversation).toHaveLength(2);

    expect(await client.confirm(retour?.traceerId as string)).toBe('confirmed');
    expect(await client.fetch()).toEqual([]);
    expect(await client.status(retour?.traceerId as string)).toMatchObject([
      { traceerId: retour?.traceerId, alsAntwoordOp: receipt.traceerId, status: 'Bezorgd' },
    ]);
    expect(await client.confirm(retour?.traceerId as string)).toBe('unknown');
  });

  it('a resent traceerId is refused with 422 BRS114: not retryable', async () => {
    const traceerId = randomUUID();
    const message = {
      payload: '<not-checked-at-push/>',
      messageType: 'WMO305',
      afzender: { rol: 'aanbieder', code: aanbieder },
      geadresseerde: { rol: 'aanbieder', code: '99999999' },
      traceerId,
    };
    await client.send(message);
    const err = await client.send(message).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportRefusedError);
    expect(err).toMatchObject({ status: 422, retryable: false, duplicateTraceerId: true });
  });

  it('pushing as another party is a request error (403)', async () => {
    const err = await client
      .send({
        payload: '<x/>',
        messageType: 'WMO305',
        afzender: { rol: 'aanbieder', code: '11111111' },
        geadresseerde: { rol: 'gemeente', code: gemeente },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportRequestError);
    expect(err).toMatchObject({ status: 403, retryable: false });
  });
});

describe('refusals and faults', () => {
  it('a client without a certificate is refused during the TLS handshake', async () => {
    const before = sim.store.all().length;
    expect(await rawGet('/berichten/rest-pull/v1/berichten')).toBe(
      'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
    );
    const noCert = await transportFor(undefined);
    const err = await noCert.fetch().catch((e: unknown) => e);
    noCert.close();
    expect(err).toBeInstanceOf(TransportRequestError);
    expect((err as Error).message).toMatch(/TLS handshake failed/);
    expect(sim.store.all()).toHaveLength(before);
  });

  it('a client whose certificate no trusted CA signed is refused and pushes nothing', async () => {
    const before = sim.store.all().length;
    const rogue = await transportFor('untrusted');
    const err = await rogue
      .send({
        payload: '<x/>',
        messageType: 'WMO305',
        afzender: { rol: 'aanbieder', code: aanbieder },
        geadresseerde: { rol: 'gemeente', code: gemeente },
      })
      .catch((e: unknown) => e);
    rogue.close();
    // The handshake fails as an alert or as a reset, depending on timing: either way no request got in.
    expect(err).toBeInstanceOf(TransportError);
    expect(sim.store.all()).toHaveLength(before);
  });

  it('a 500 from the simulator is a retryable error; the retry with the same traceerId goes through', async () => {
    await drain();
    sim.misbehaviour.fail500 = 1;
    const message = {
      payload: '<retry-me/>',
      messageType: 'WMO305',
      afzender: { rol: 'aanbieder', code: aanbieder },
      geadresseerde: { rol: 'aanbieder', code: aanbieder }, // to ourselves: it comes back in our mailbox
      traceerId: randomUUID(),
    };
    const err = await client.send(message).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportRetryableError);
    expect(err).toMatchObject({ status: 500, retryable: true, operation: 'send' });
    expect(sim.store.get(message.traceerId)).toBeUndefined();
    await client.send(message);
    const [back] = await client.fetch();
    expect(back?.traceerId).toBe(message.traceerId);
    expect(text(back)).toBe('<retry-me/>');
    await client.confirm(message.traceerId);
  });

  it('a timeout is a retryable error', async () => {
    sim.misbehaviour.slowMs = 1000;
    const impatient = await transportFor(aanbieder, { timeoutMs: 200 });
    const err = await impatient.fetch().catch((e: unknown) => e);
    impatient.close();
    expect(err).toBeInstanceOf(TransportRetryableError);
    expect((err as Error).message).toMatch(/timed out after 200 ms/);
  });

  it('duplicate delivery: a message offered again after its first confirm, or under a second traceerId', async () => {
    await drain();
    sim.misbehaviour.duplicateDelivery = 'same-traceer';
    const [first] = sim.issue(1);
    const [once] = await client.fetch();
    expect(await client.confirm(once?.traceerId as string)).toBe('confirmed');
    const [again] = await client.fetch();
    expect(again?.traceerId).toBe(first);
    expect(await client.confirm(first as string)).toBe('confirmed');
    expect(await client.fetch()).toEqual([]);

    sim.misbehaviour.duplicateDelivery = 'new-traceer';
    sim.issue(1);
    const twins = await client.fetch();
    expect(twins).toHaveLength(2);
    expect(twins[0]?.traceerId).not.toBe(twins[1]?.traceerId);
    expect(text(twins[0])).toBe(text(twins[1]));
    await drain();
  });

  it('payloads: a checksum that does not match is retryable; too large is not downloaded; batches are bounded', async () => {
    await drain();
    const [a, b] = sim.issue(2);
    const stored = sim.store.get(a as string);
    const real = stored?.sha256 as string;
    if (stored) stored.sha256 = '0'.repeat(64); // the listing now announces a wrong checksum
    const err = await client.fetch().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportRetryableError);
    expect((err as Error).message).toMatch(/fails its SHA-256 checksum/);
    if (stored) stored.sha256 = real;

    const tiny = createRestTransport({
      endpoints: vecozoEndpoints(sim.url),
      tls: { ...(await readPair(pki.clients[aanbieder] as never)), ca },
      maxPayloadBytes: 100,
    });
    const offered = await tiny.fetch();
    expect(offered.map((m) => [m.traceerId, m.payload, 'unavailable' in m && m.unavailable])).toEqual([
      [a, null, 'too-large'],
      [b, null, 'too-large'],
    ]);
    // A budget below one message still takes one; the other waits for the next fetch.
    const budgeted = createRestTransport({
      endpoints: vecozoEndpoints(sim.url),
      tls: { ...(await readPair(pki.clients[aanbieder] as never)), ca },
      maxBatchBytes: 10,
    });
    expect((await budgeted.fetch()).map((m) => m.traceerId)).toEqual([a]);
    for (const t of [tiny, budgeted]) t.close();
    await drain();
  });

  it('admin routes: misbehaviour set over HTTPS with the admin certificate, refused for others', async () => {
    const adminPair = await readPair(pki.clients[adminCn] as NonNullable<TestPki['clients'][string]>);
    expect(await rawGet('/admin/state', await readPair(pki.clients[aanbieder] as never))).toBe(403);
    expect(await rawGet('/admin/state', adminPair)).toBe(200);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${sim.url}/admin/misbehaviour`,
        { method: 'PUT', ca, ...adminPair, headers: { 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ fail500: 2 }));
    });
    expect(status).toBe(200);
    expect(sim.misbehaviour.fail500).toBe(2);
    await expect(client.fetch()).rejects.toBeInstanceOf(TransportRetryableError);
    await expect(client.status(randomUUID())).rejects.toBeInstanceOf(TransportRetryableError);
    expect(await client.fetch()).toEqual([]);
  });
});
