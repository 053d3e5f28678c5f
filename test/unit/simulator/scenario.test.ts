import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../app/temporal-binaries';
import { decode, isValidBsn } from '../../../iwmo';
import { loadScenario, parseScenario } from '../../../simulator/scenario';
import { build301, syntheticClients } from '../../../simulator/synthetic';
import { decodeAs, xsdPath } from '../../support/messages';
import { validateWithXsd } from '../../support/xmllint';

const scenarioDir = join(repoRoot, 'simulator', 'scenarios');
const minimal = { name: 't', gemeente: '0384', aanbieder: '42420001', toewijzingen: { clients: 2 } };

describe('scenario files', () => {
  it('every file under simulator/scenarios parses', () => {
    const files = readdirSync(scenarioDir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) expect(loadScenario(join(scenarioDir, f)).name).toBe(f.replace(/\.json$/, ''));
  });

  it('fills in defaults: approve everything (honour every request) after a second, no misbehaviour', () => {
    const s = parseScenario(minimal);
    expect(s.answers).toEqual({
      delayMs: 1000,
      WMO305: { decision: 'approve' },
      WMO307: { decision: 'approve' },
      WMO323: { decision: 'approve' },
      WMO315: { answers: [{ decision: 'honour' }] },
      WMO317: { answers: [{ decision: 'honour' }] },
    });
    expect(s.misbehaviour).toEqual({
      slowMs: 0,
      lateAnswerMs: 0,
      fail500: 0,
      duplicateDelivery: 'none',
      dropRetour: 0,
      holdDownloads: false,
    });
  });

  it('a bad scenario names the field and the rule', () => {
    expect(() => parseScenario({ ...minimal, gemeente: '384' }, 'x.json')).toThrow(
      'x.json is not a valid scenario: gemeente: CBS gemeentecode is 4 digits',
    );
    const badCode = { ...minimal, answers: { WMO305: { decision: 'reject', retourCodes: ['1234'] } } };
    expect(() => parseScenario(badCode)).toThrow(/answers\.WMO305\.retourCodes\.0: /);
    expect(() => parseScenario({ ...minimal, misbehaviour: { explode: true } })).toThrow(/explode/);
  });
});

describe('synthetic clients and their 301s', () => {
  it('BSNs pass the elfproef, are distinct, and the same seed gives the same clients', () => {
    const clients = syntheticClients(200, 7);
    expect(clients.every((c) => isValidBsn(c.bsn))).toBe(true);
    expect(new Set(clients.map((c) => c.bsn)).size).toBe(200);
    expect(syntheticClients(200, 7)).toEqual(clients);
    expect(syntheticClients(5, 8).map((c) => c.bsn)).not.toEqual(clients.slice(0, 5).map((c) => c.bsn));
  });

  it('a 301 is valid against WMO301.xsd and breaks no rule', () => {
    const scenario = parseScenario(minimal);
    const [client] = syntheticClients(1, 1);
    const xml = build301({
      gemeente: '0384',
      aanbieder: '42420001',
      identificatie: '301-0000001',
      dagtekening: '2026-11-20',
      tijd: '09:15:00',
      client: client as NonNullable<typeof client>,
      toewijzingNummer: 1000,
      ingangsdatum: '2026-12-01',
      einddatum: '2027-11-30',
      toewijzing: scenario.toewijzingen,
    });
    expect(validateWithXsd(xml, xsdPath('301')).output).toMatch(/validates/);
    const decoded = decode(xml, { today: '2026-11-20' });
    expect(decoded.ok && decoded.value.findings).toEqual([]);
    const { Header, Client } = decodeAs(xml, 'WMO301').bericht;
    expect(Header).toMatchObject({ Afzender: '0384', Ontvanger: '42420001' });
    expect(Client.Bsn).toBe(client?.bsn);
    expect(Client.ToegewezenProducten.ToegewezenProduct[0]).toMatchObject({
      ToewijzingNummer: 1000,
      Ingangsdatum: '2026-12-01',
      Einddatum: '2027-11-30',
    });
  });
});
