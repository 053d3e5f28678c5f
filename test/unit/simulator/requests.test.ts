import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decode, encode, type IwmoMessage, type MessageOf } from '../../../iwmo';
import { createGemeente, type Gemeente } from '../../../simulator/gemeente';
import { parseScenario, type ScenarioInput } from '../../../simulator/scenario';
import { MailboxStore, type NewMessage } from '../../../simulator/store';
import { build301 } from '../../../simulator/synthetic';
import { placeholderBerichtstroom } from '../../../transport/berichtstroom';
import { decodeAs, sampleAanbieder, sampleGemeente, sampleXml } from '../../support/messages';

/*
 * The simulated gemeente answering requests (315/317): 316/318, then per product a 301 carrying the
 * ReferentieAanbieder, a 319 rejecting it with its reason, or "in onderzoek" followed later by either.
 */

let gemeente: Gemeente | undefined;
afterEach(() => gemeente?.close());

const clock = () => new Date('2026-11-20T10:00:00Z');

function setUp(answers: ScenarioInput['answers']) {
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
    misbehaviour: scenario.misbehaviour,
    now: clock,
    log: () => {},
    deliver: (m) => {
      delivered.push(m);
      store.add(m);
    },
  });
  const push = (payload: string) => {
    const traceerId = randomUUID();
    const stored = store.add({
      traceerId,
      conversatieId: traceerId,
      afzender: { rol: 'aanbieder', code: sampleAanbieder },
      geadresseerde: { rol: 'gemeente', code: sampleGemeente },
      berichtstroom: placeholderBerichtstroom('WMO315'),
      payload: Buffer.from(payload),
      status: 'Ontvangen',
    });
    gemeente?.receive(stored);
    return stored;
  };
  return { store, delivered, push };
}

function xml(message: IwmoMessage): string {
  const out = encode(message);
  if (!out.ok) throw new Error(out.findings.map((f) => `${f.rule} ${f.path}`).join());
  return out.xml;
}

/** The fixture's 315 with two products under these referenties. */
function verzoek315(refs: [string, string]): string {
  const m = decodeAs(sampleXml('315'), 'WMO315');
  const products = m.bericht.Client.AangevraagdeProducten.AangevraagdProduct;
  const two = refs.map((r, i) => ({
    ...(products[i % products.length] as (typeof products)[number]),
    ReferentieAanbieder: r,
  }));
  return xml({
    ...m,
    bericht: {
      ...m.bericht,
      Client: { ...m.bericht.Client, AangevraagdeProducten: { AangevraagdProduct: two } },
    },
  });
}

const decoded = (m: NewMessage) => {
  const d = decode(m.payload.toString('utf8'));
  if (!d.ok) throw new Error(`${d.error.rule} ${d.error.path}`);
  return d.value;
};
const ofType = <T extends IwmoMessage['type']>(delivered: NewMessage[], type: T) =>
  delivered
    .map(decoded)
    .filter((d) => d.message.type === type)
    .map((d) => d.message as MessageOf<T>);

describe('the simulated gemeente answers requests', () => {
  it('a 315 with two products: a 316, a 301 honouring one (with its referentie) and a 319 rejecting the other', async () => {
    const { delivered, push } = setUp({
      WMO315: { answers: [{ decision: 'honour' }, { decision: 'reject', reden: '3' }] },
    });
    const heen = push(verzoek315(['REF-A', 'REF-B']));
    await vi.waitFor(() => expect(delivered).toHaveLength(3));
    const [r316] = ofType(delivered, 'WMO316');
    expect(r316?.bericht.Header).not.toHaveProperty('RetourCodes');
    expect(delivered[0]).toMatchObject({ conversatieId: heen.conversatieId, alsAntwoordOp: heen.traceerId });
    const [toewijzing] = ofType(delivered, 'WMO301');
    const products = toewijzing?.bericht.Client.ToegewezenProducten.ToegewezenProduct ?? [];
    expect(products.map((p) => p.ReferentieAanbieder)).toEqual(['REF-A']);
    expect(toewijzing?.bericht.Client.Bsn).toBe(decodeAs(sampleXml('315'), 'WMO315').bericht.Client.Bsn);
    const [afwijzing] = ofType(delivered, 'WMO319');
    expect(afwijzing?.bericht.Antwoord).toEqual({
      ReferentieAanbieder: 'REF-B',
      VerzoekAntwoord: '1',
      RedenAfwijzingVerzoek: '3',
    });
    // The 301 and 319 are heen messages: each starts its own conversation.
    for (const m of delivered.slice(1)) expect(m.conversatieId).toBe(m.traceerId);
    for (const m of delivered) expect(decoded(m).findings).toEqual([]);
  });

  it('a 316 with the scenario retour codes on the first request, no content answer; the resend is answered', async () => {
    const { delivered, push } = setUp({
      WMO315: { retour: { retourCodes: ['9347'], times: 1 }, answers: [{ decision: 'honour' }] },
    });
    push(verzoek315(['R1', 'R2']));
    await vi.waitFor(() => expect(delivered).toHaveLength(1));
    const [first] = ofType(delivered, 'WMO316');
    expect(first?.bericht.Header.RetourCodes?.RetourCode).toEqual(['0200']);
    const codes = first?.bericht.Client?.AangevraagdeProducten.AangevraagdProduct.map(
      (p) => p.RetourCodes.RetourCode,
    );
    expect(codes).toEqual([['9347'], ['9347']]);
    push(verzoek315(['R3', 'R4']));
    await vi.waitFor(() => expect(delivered).toHaveLength(3));
    expect(ofType(delivered, 'WMO316')[1]?.bericht.Header).not.toHaveProperty('RetourCodes');
    const [toewijzing] = ofType(delivered, 'WMO301');
    expect(
      toewijzing?.bericht.Client.ToegewezenProducten.ToegewezenProduct.map((p) => p.ReferentieAanbieder),
    ).toEqual(['R3', 'R4']);
  });

  it('"in onderzoek": a 319 with VerzoekAntwoord 2 at once, the 301 only after laterMs', async () => {
    vi.useFakeTimers();
    try {
      const week = 7 * 86_400_000;
      const { delivered, push } = setUp({
        delayMs: 1000,
        WMO315: { answers: [{ decision: 'in-onderzoek', laterMs: 3 * week }, { decision: 'never' }] },
      });
      push(verzoek315(['O1', 'O2']));
      await vi.advanceTimersByTimeAsync(2000); // the 316, then the content answer a delay later
      expect(ofType(delivered, 'WMO319').map((m) => m.bericht.Antwoord)).toEqual([
        { ReferentieAanbieder: 'O1', VerzoekAntwoord: '2' },
      ]);
      await vi.advanceTimersByTimeAsync(3 * week - 1);
      expect(ofType(delivered, 'WMO301')).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(1);
      const products = ofType(delivered, 'WMO301')[0]?.bericht.Client.ToegewezenProducten.ToegewezenProduct;
      expect(products?.map((p) => p.ReferentieAanbieder)).toEqual(['O1']);
      expect(delivered).toHaveLength(3); // 316, 319, 301: the 'never' product gets nothing
    } finally {
      vi.useRealTimers();
    }
  });

  it('a 317 is honoured by a 301 that changes the client’s existing toewijzingen and keeps the rest', async () => {
    const { store, delivered, push } = setUp({ WMO317: { answers: [{ decision: 'honour' }] } });
    const m317 = decodeAs(sampleXml('317'), 'WMO317');
    const bsn = m317.bericht.Client.Bsn;
    // The simulator assigned this client 10071 and 10072 before (one 301 lists both, OP087).
    const first = decodeAs(
      build301({
        gemeente: sampleGemeente,
        aanbieder: sampleAanbieder,
        identificatie: '301-1',
        dagtekening: '2023-01-02',
        tijd: '10:00:00',
        client: {
          bsn,
          achternaam: 'Simulant',
          voornamen: 'Anna',
          geboortedatum: '1950-01-01',
          geslacht: '1',
        },
        toewijzingNummer: 10071,
        ingangsdatum: '2023-01-02',
        einddatum: '2024-01-01',
        toewijzing: parseScenario({
          name: 'x',
          gemeente: sampleGemeente,
          aanbieder: sampleAanbieder,
          toewijzingen: { clients: 1 },
        }).toewijzingen,
      }),
      'WMO301',
    );
    const [p] = first.bericht.Client.ToegewezenProducten.ToegewezenProduct;
    const both = {
      ...first.bericht.Client,
      ToegewezenProducten: {
        ToegewezenProduct: [
          p,
          { ...p, ToewijzingNummer: 10072, Product: { Categorie: '01', Code: '01A05' } },
        ],
      },
    };
    store.add({
      traceerId: randomUUID(),
      conversatieId: randomUUID(),
      afzender: { rol: 'gemeente', code: sampleGemeente },
      geadresseerde: { rol: 'aanbieder', code: sampleAanbieder },
      berichtstroom: placeholderBerichtstroom('WMO301'),
      payload: Buffer.from(xml({ ...first, bericht: { ...first.bericht, Client: both } } as IwmoMessage)),
      mailbox: sampleAanbieder,
      status: 'Bezorgd',
    });
    push(xml(m317));
    await vi.waitFor(() => expect(ofType(delivered, 'WMO301')).toHaveLength(1));
    expect(ofType(delivered, 'WMO318')).toHaveLength(1);
    const products =
      ofType(delivered, 'WMO301')[0]?.bericht.Client.ToegewezenProducten.ToegewezenProduct ?? [];
    const byNummer = new Map(products.map((q) => [q.ToewijzingNummer, q]));
    expect(byNummer.get(10071)?.ReferentieAanbieder).toBeUndefined();
    expect(byNummer.get(10072)).toMatchObject({
      ReferentieAanbieder: '9003',
      Einddatum: '2023-12-31',
      RedenWijziging: '12',
    });
    const added = products.filter((q) => q.ToewijzingNummer !== 10071 && q.ToewijzingNummer !== 10072);
    expect(added).toMatchObject([
      { ReferentieAanbieder: '9003', Product: { Categorie: '01', Code: '01A12' } },
    ]);
  });

  it('a late answer: the 316 after the delay, the content answer only after its own answerDelayMs', async () => {
    vi.useFakeTimers();
    try {
      const { delivered, push } = setUp({
        delayMs: 1000,
        WMO315: { answers: [{ decision: 'honour' }], answerDelayMs: 10 * 60_000 },
      });
      push(verzoek315(['L1', 'L2']));
      await vi.advanceTimersByTimeAsync(1000);
      expect(delivered.map((m) => decoded(m).message.type)).toEqual(['WMO316']);
      await vi.advanceTimersByTimeAsync(10 * 60_000 - 1);
      expect(delivered).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(delivered.map((m) => decoded(m).message.type)).toEqual(['WMO316', 'WMO301']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses a scenario with an unknown request decision, naming the field', () => {
    expect(() =>
      parseScenario({
        name: 'bad',
        gemeente: sampleGemeente,
        aanbieder: sampleAanbieder,
        toewijzingen: { clients: 0 },
        answers: { WMO315: { answers: [{ decision: 'maybe' }] } },
      }),
    ).toThrow(/answers\.WMO315\.answers/);
  });
});
