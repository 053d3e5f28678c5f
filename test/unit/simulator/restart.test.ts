import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode } from '../../../iwmo';
import { generateTestPki, readPair } from '../../../simulator/certs';
import { parseScenario } from '../../../simulator/scenario';
import { startSimulator } from '../../../simulator/server';
import { fileState, stateFileName } from '../../../simulator/state';

/*
 * Issue 13: every restart of the simulator issued its scenario's 301s again, under the same
 * Identificaties (TR056) and toewijzingnummers, so each came in as a new version and got another 302.
 * With a data folder the simulator issues a scenario once and numbers on across restarts.
 */

let dir: string;
let tls: { cert: string; key: string; ca: string };
const scenario = parseScenario({
  name: 'restart-test',
  gemeente: '0384',
  aanbieder: '42420001',
  toewijzingen: { clients: 5, seed: 3, firstNummer: 500 },
  answers: { delayMs: 10 },
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iwmo-sim-restart-'));
  const pki = await generateTestPki({ dir: join(dir, 'certs'), clients: [scenario.aanbieder] });
  tls = { ...(await readPair(pki.server)), ca: await readFile(pki.caCert, 'utf8') };
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Identificatie and ToewijzingNummer of every 301 in the simulator's mailboxes. */
function issued301s(sim: Awaited<ReturnType<typeof startSimulator>>) {
  return sim.store
    .all()
    .filter((m) => m.mailbox === scenario.aanbieder)
    .map((m) => {
      const res = decode(Buffer.from(m.payload).toString('utf8'));
      if (!res.ok || res.value.message.type !== 'WMO301') throw new Error('not a 301');
      const bericht = res.value.message.bericht;
      return {
        identificatie: bericht.Header.BerichtIdentificatie.Identificatie,
        nummer: bericht.Client.ToegewezenProducten.ToegewezenProduct[0]?.ToewijzingNummer,
      };
    });
}

describe('the simulator restarted on the same data folder', () => {
  it('issues its scenario once; later 301s get new Identificaties and toewijzingnummers', async () => {
    const stateDir = join(dir, 'data');
    const first = await startSimulator({ tls, scenario, stateDir });
    const before = issued301s(first);
    await first.close();
    expect(before).toHaveLength(5);

    const second = await startSimulator({ tls, scenario, stateDir });
    expect(issued301s(second)).toEqual([]);
    second.issue(2);
    const after = issued301s(second);
    await second.close();
    expect(after).toHaveLength(2);
    const all = [...before, ...after];
    expect(new Set(all.map((m) => m.identificatie)).size).toBe(7);
    expect(new Set(all.map((m) => m.nummer)).size).toBe(7);
  });

  it('without a data folder every start is new (tests in-process), as before', async () => {
    const sim = await startSimulator({ tls, scenario });
    expect(issued301s(sim)).toHaveLength(5);
    await sim.close();
  });

  it('the state file keeps each sequence (the gemeente numbers its 306/308/325 from it)', async () => {
    const stateDir = join(dir, 'sequences');
    expect([fileState(stateDir).next('306'), fileState(stateDir).next('306')]).toEqual([1, 2]);
    await expect(readFile(join(stateDir, stateFileName), 'utf8')).resolves.toContain('"306":2');
  });
});
