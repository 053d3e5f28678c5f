import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildStartStopXml, type StartStopMessage } from '../../../activities/messaging/build';
import { messages } from '../../../iwmo';
import { createGemeente, type Gemeente } from '../../../simulator/gemeente';
import { type Misbehaviour, parseScenario, type ScenarioInput } from '../../../simulator/scenario';
import { MailboxStore, type NewMessage } from '../../../simulator/store';
import { placeholderBerichtstroom } from '../../../transport/berichtstroom';
import { decodeAs, sampleAanbieder, sampleGemeente, sampleXml } from '../../support/messages';

const meta = { identificatie: '305-0000001', dagtekening: '2026-11-20' };
const start: StartStopMessage = {
  type: 'WMO305',
  toewijzingMessageId: 'unused',
  toewijzingNummer: 101,
  begindatum: '2023-02-01',
  statusAanlevering: '1',
};

function xmlOf(built: ReturnType<typeof buildStartStopXml>): string {
  if (!built.ok) throw new Error(built.findings.map((f) => f.rule).join());
  return built.xml;
}

let gemeente: Gemeente | undefined;
afterEach(() => gemeente?.close());

/** A gemeente with delay 0 whose deliveries land in `delivered` instead of a mailbox. */
function setUp(
  answers: ScenarioInput['answers'],
  misbehaviour: Partial<Misbehaviour> = {},
  clock = () => new Date('2026-11-20T10:00:00Z'),
) {
  const scenario = parseScenario({
    name: 't',
    gemeente: sampleGemeente,
    aanbieder: sampleAanbieder,
    toewijzingen: { clients: 0 },
    answers: { delayMs: 0, ...answers },
  });
  const store = new MailboxStore(clock);
  const delivered: NewMessage[] = [];
  gemeente = createGemeente({
    store,
    scenario: () => scenario,
    misbehaviour: { ...scenario.misbehaviour, ...misbehaviour },
    now: clock,
    log: () => {},
    deliver: (m) => delivered.push(m),
  });
  const push = (type: string, payload: string, afzender = sampleAanbieder) => {
    const traceerId = randomUUID();
    const stored = store.add({
      traceerId,
      conversatieId: traceerId,
      afzender: { rol: 'aanbieder', code: afzender },
      geadresseerde: { rol: 'gemeente', code: sampleGemeente },
      berichtstroom: placeholderBerichtstroom(type),
      payload: Buffer.from(payload),
      status: 'Ontvangen',
    });
    gemeente?.receive(stored);
    return stored;
  };
  return { store, delivered, push };
}

describe('the simulated gemeente', () => {
  it('approves a 305 with a header-only 306 in the same conversation, for the sender', async () => {
    const { store, delivered, push } = setUp({ WMO305: { decision: 'approve' } });
    const heen = push('WMO305', xmlOf(buildStartStopXml(sampleXml('301'), start, meta)));
    await vi.waitFor(() => expect(delivered).toHaveLength(1));
    const [retour] = delivered;
    expect(retour).toMatchObject({
      conversatieId: heen.conversatieId,
      alsAntwoordOp: heen.traceerId,
      mailbox: sampleAanbieder,
      afzender: { rol: 'gemeente', code: sampleGemeente },
      status: 'WordtAangeboden',
    });
    const { bericht } = decodeAs(retour?.payload.toString('utf8') ?? '', 'WMO306');
    expect(bericht.Header.BerichtIdentificatie.Identificatie).toBe(meta.identificatie);
    expect(bericht.Header.RetourCodes).toBeUndefined();
    expect(bericht.Client).toBeUndefined();
    expect(store.get(heen.traceerId)?.status).toBe('Bezorgd');
  });

  it("rejects a 305 with the scenario's codes on its StartProduct", async () => {
    const { delivered, push } = setUp({ WMO305: { decision: 'reject', retourCodes: ['9019'] } });
    push('WMO305', xmlOf(buildStartStopXml(sampleXml('301'), start, meta)));
    await vi.waitFor(() => expect(delivered).toHaveLength(1));
    const { bericht } = decodeAs(delivered[0]?.payload.toString('utf8') ?? '', 'WMO306');
    expect(bericht.Header.RetourCodes?.RetourCode).toEqual(['0200']);
    expect(bericht.Client?.StartProducten.StartProduct[0]?.RetourCodes.RetourCode).toEqual(['9019']);
  });

  it('answers a 307 with a 308', async () => {
    const { delivered, push } = setUp({});
    const stop: StartStopMessage = {
      ...start,
      type: 'WMO307',
      einddatum: '2023-06-30',
      redenBeeindiging: '19',
    } as StartStopMessage;
    push('WMO307', xmlOf(buildStartStopXml(sampleXml('301'), stop, { ...meta, identificatie: '307-1' })));
    await vi.waitFor(() => expect(delivered).toHaveLength(1));
    const { bericht } = decodeAs(delivered[0]?.payload.toString('utf8') ?? '', 'WMO308');
    expect(bericht.Header.BerichtCode).toBe(messages['308'].berichtCode);
    expect(bericht.Header.BerichtIdentificatie.Identificatie).toBe('307-1');
  });

  it('answers a 323 with a 325 in a conversation of its own (VECOZO does not link them)', async () => {
    const { delivered, push } = setUp({ WMO323: { decision: 'approve' } });
    const heen = push('WMO323', sampleXml('323'), '65656055');
    await vi.waitFor(() => expect(delivered).toHaveLength(1));
    const [antwoord] = delivered;
    expect(antwoord?.mailbox).toBe('65656055');
    expect(antwoord?.alsAntwoordOp).toBeUndefined();
    expect(antwoord?.conversatieId).not.toBe(heen.conversatieId);
    const { bericht } = decodeAs(antwoord?.payload.toString('utf8') ?? '', 'WMO325');
    expect(bericht.DeclaratieAntwoord?.RetourCodes.RetourCode).toEqual(['8001']);
  });

  it('never answers when the scenario says so, and drops a retour on demand', async () => {
    const never = setUp({ WMO305: { decision: 'never' } });
    const heen = never.push('WMO305', xmlOf(buildStartStopXml(sampleXml('301'), start, meta)));
    await vi.waitFor(() => expect(never.store.get(heen.traceerId)?.status).toBe('Bezorgd'));
    expect(gemeente?.pending).toBe(0);
    expect(never.delivered).toEqual([]);

    gemeente?.close();
    const dropped = setUp({}, { dropRetour: 1 });
    const xml = xmlOf(buildStartStopXml(sampleXml('301'), start, meta));
    dropped.push('WMO305', xml);
    dropped.push('WMO305', xml.replace(meta.identificatie, '305-0000002'));
    await vi.waitFor(() => expect(dropped.delivered).toHaveLength(1));
    expect(gemeente?.pending).toBe(0);
  });

  it('a payload that is not an iWmo message is AfgekeurdDoorDienst with a melding', async () => {
    const { store, delivered, push } = setUp({});
    const heen = push('WMO305', '<not-iwmo/>');
    await vi.waitFor(() => expect(store.get(heen.traceerId)?.status).toBe('AfgekeurdDoorDienst'));
    expect(store.get(heen.traceerId)?.meldingen?.[0]?.code).toBe('StUF055');
    expect(delivered).toEqual([]);
  });

  it('holdDownloads: a pushed 305 waits (WordtAangeboden) until downloaded, then Bezorgd at that moment', async () => {
    let now = new Date('2026-11-20T10:00:00Z');
    const { store, delivered, push } = setUp({}, { holdDownloads: true }, () => now);
    const heen = push('WMO305', xmlOf(buildStartStopXml(sampleXml('301'), start, meta)));
    expect(store.get(heen.traceerId)).toMatchObject({ status: 'WordtAangeboden' });
    await new Promise((r) => setImmediate(r));
    expect(delivered).toEqual([]);

    now = new Date('2026-11-24T08:30:00Z');
    expect(gemeente?.downloadHeld()).toEqual([heen.traceerId]);
    expect(store.get(heen.traceerId)).toMatchObject({
      status: 'Bezorgd',
      statusGewijzigdOp: '2026-11-24T08:30:00.000Z',
    });
    await vi.waitFor(() => expect(delivered).toHaveLength(1));
    expect(gemeente?.downloadHeld()).toEqual([]);
  });
});
