import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { wmo323WithLines } from '../../../bench/documents';
import { reconcile325 } from '../../../declaratie/reconcile';
import { decode, type MessageOf } from '../../../iwmo';
import { createGemeente, type Gemeente } from '../../../simulator/gemeente';
import { loadScenario, parseScenario, type ScenarioInput } from '../../../simulator/scenario';
import { MailboxStore, type NewMessage } from '../../../simulator/store';
import { placeholderBerichtstroom } from '../../../transport/berichtstroom';
import { decodeAs, sampleAanbieder, sampleGemeente, sampleXml } from '../../support/messages';

/*
 * The simulated gemeente's answers to a 323 per scenario: award all, reject every n-th line with codes
 * the correction proposals know, a 325 that does not match (reconcile325 says which rule), and a late
 * answer held back by its own delay. The shipped claims scenarios parse.
 */

let gemeente: Gemeente | undefined;
afterEach(() => gemeente?.close());

const xml323 = wmo323WithLines(sampleXml('323'), 6, 3);
const sent = decodeAs(xml323, 'WMO323');

function setUp(WMO323: NonNullable<ScenarioInput['answers']>['WMO323']) {
  const scenario = parseScenario({
    name: 't',
    gemeente: sampleGemeente,
    aanbieder: sampleAanbieder,
    toewijzingen: { clients: 0 },
    answers: { delayMs: 0, WMO323 },
  });
  const clock = () => new Date('2026-12-02T10:00:00Z');
  const store = new MailboxStore(clock);
  const delivered: NewMessage[] = [];
  gemeente = createGemeente({
    store,
    scenario: () => scenario,
    misbehaviour: scenario.misbehaviour,
    now: clock,
    log: () => {},
    deliver: (m) => delivered.push(m),
  });
  const push = () => {
    const traceerId = randomUUID();
    const stored = store.add({
      traceerId,
      conversatieId: traceerId,
      afzender: { rol: 'aanbieder', code: sent.bericht.Header.Afzender },
      geadresseerde: { rol: 'gemeente', code: sampleGemeente },
      berichtstroom: placeholderBerichtstroom('WMO323'),
      payload: Buffer.from(xml323),
      status: 'Ontvangen',
    });
    gemeente?.receive(stored);
    return traceerId;
  };
  const traceerId = push();
  return { store, delivered, traceerId, push };
}

async function answered(delivered: NewMessage[]): Promise<MessageOf<'WMO325'>> {
  await vi.waitFor(() => expect(delivered).toHaveLength(1));
  const decoded = decode(delivered[0]?.payload.toString('utf8') ?? '');
  if (!decoded.ok || decoded.value.message.type !== 'WMO325') throw new Error('not a 325');
  return decoded.value.message;
}

const rejectedLines = (a: MessageOf<'WMO325'>) =>
  (a.bericht.DeclaratieAntwoord?.Clienten?.Client ?? []).flatMap((c) =>
    c.Prestaties.Prestatie.map((p) => ({
      ref: p.ProductReferentie.ReferentieNummer,
      codes: p.RetourCodes.RetourCode,
    })),
  );

describe('the simulated gemeente answering a 323', () => {
  it('awards every line: 8001, the awarded total is the declared one, it matches its 323', async () => {
    const a = await answered(setUp({ decision: 'approve' }).delivered);
    const da = a.bericht.DeclaratieAntwoord;
    expect(da?.RetourCodes.RetourCode).toEqual(['8001']);
    expect(da?.TotaalToegekendBedrag).toEqual(sent.bericht.Declaratie.TotaalIngediendBedrag);
    expect(reconcile325(sent, a).kind).toBe('beoordeeld');
  });

  it('rejects every second line with the scenario codes (real ones the correction proposals know)', async () => {
    const a = await answered(setUp({ decision: 'reject-some', every: 2 }).delivered);
    const refs = sent.bericht.Declaratie.Clienten.Client.flatMap((c) =>
      c.Prestaties.Prestatie.map((p) => p.ProductReferentie.ReferentieNummer),
    );
    expect(rejectedLines(a)).toEqual(
      [refs[1], refs[3], refs[5]].map((ref) => ({ ref, codes: ['9346', '9307'] })),
    );
    expect(a.bericht.DeclaratieAntwoord?.RetourCodes.RetourCode).toEqual(['0200']);
    expect(reconcile325(sent, a).kind).toBe('beoordeeld');
  });

  it('judges lines of a (toewijzing, month) it rejected before again, or awards them when told to', async () => {
    // The same lines once more stand in for their resubmission: same toewijzingen and months.
    const again = setUp({ decision: 'reject-some', every: 2 });
    await answered(again.delivered);
    again.push();
    await vi.waitFor(() => expect(again.delivered).toHaveLength(2));
    const second = decode(again.delivered[1]?.payload.toString('utf8') ?? '');
    if (!second.ok || second.value.message.type !== 'WMO325') throw new Error('not a 325');
    expect(rejectedLines(second.value.message)).toHaveLength(3);
    gemeente?.close();

    const award = setUp({ decision: 'reject-some', every: 2, resubmissions: 'award' });
    const first = rejectedLines(await answered(award.delivered)).map((l) => l.ref);
    expect(first).toEqual(['RN-00000001', 'RN-00000003', 'RN-00000005']);
    award.push();
    await vi.waitFor(() => expect(award.delivered).toHaveLength(2));
    const resubmitted = decode(award.delivered[1]?.payload.toString('utf8') ?? '');
    if (!resubmitted.ok || resubmitted.value.message.type !== 'WMO325') throw new Error('not a 325');
    // The three rejected before are awarded; of the three judged for the first time, every second.
    expect(rejectedLines(resubmitted.value.message).map((l) => l.ref)).toEqual(['RN-00000002']);
  });

  it('sends a 325 that does not match its 323 when the scenario says mismatch (TR367)', async () => {
    const a = await answered(setUp({ decision: 'mismatch' }).delivered);
    const r = reconcile325(sent, a);
    expect(r.kind).toBe('mismatch');
    if (r.kind === 'mismatch') expect(r.mismatches.map((m) => m.rule)).toContain('TR367');
  });

  it('holds a late answer back by its own delay (the scenario default is 0)', async () => {
    const { store, delivered, traceerId } = setUp({ decision: 'approve', delayMs: 1_296_000_000 });
    await vi.waitFor(() => expect(store.get(traceerId)?.status).toBe('Bezorgd'));
    expect(gemeente?.pending).toBe(1);
    expect(delivered).toEqual([]);
  });

  it('refuses a scenario with an unknown decision or a code that is not a retour code', () => {
    const base = {
      name: 'x',
      gemeente: sampleGemeente,
      aanbieder: sampleAanbieder,
      toewijzingen: { clients: 0 },
    };
    expect(() => parseScenario({ ...base, answers: { WMO323: { decision: 'sometimes' } } })).toThrow(
      /scenario/,
    );
    expect(() =>
      parseScenario({ ...base, answers: { WMO323: { decision: 'reject-some', retourCodes: ['1234x'] } } }),
    ).toThrow(/scenario/);
  });

  it('every shipped scenario parses, the claims ones with their 323 answers', () => {
    const dir = join(__dirname, '../../../simulator/scenarios');
    const byName = new Map(readdirSync(dir).map((f) => [f, loadScenario(join(dir, f))]));
    expect(byName.get('claims-partial.json')?.answers.WMO323).toMatchObject({
      decision: 'reject-some',
      every: 2,
    });
    expect(byName.get('claims-late.json')?.answers.WMO323).toMatchObject({
      decision: 'approve',
      delayMs: 1296000000,
    });
    expect(byName.get('claims-mismatch.json')?.answers.WMO323).toMatchObject({ decision: 'mismatch' });
    for (const name of ['claims-partial.json', 'claims-demo.json'])
      expect(byName.get(name)?.answers.WMO323, name).toMatchObject({ resubmissions: 'award' });
    expect(byName.get('claims-demo.json')?.toewijzingen.startInDays).toBeLessThan(-31);
    expect(byName.get('happy.json')?.answers.WMO323).toMatchObject({ decision: 'approve' });
  });
});
