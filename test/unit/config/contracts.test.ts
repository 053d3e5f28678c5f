import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadContracts } from '../../../config/contracts';
import { defaultConfigDir, loadProfiles } from '../../../config/profiles';
import { lookupTariff } from '../../../declaratie';
import { ContractError, parseContract } from '../../../declaratie/schemas';

const profiles = loadProfiles();
const shipped = loadContracts(defaultConfigDir, profiles);
const seedJson = JSON.parse(readFileSync(join(defaultConfigDir, 'contracts', '42420001-1916.json'), 'utf8'));

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A config folder with the shipped profiles and the given contract files. */
function configWith(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'contracts-'));
  dirs.push(dir);
  cpSync(join(defaultConfigDir, 'profiles'), join(dir, 'profiles'), { recursive: true });
  cpSync(join(defaultConfigDir, 'gemeente-profiles.json'), join(dir, 'gemeente-profiles.json'));
  mkdirSync(join(dir, 'contracts'));
  for (const [name, data] of Object.entries(files)) {
    writeFileSync(join(dir, 'contracts', name), typeof data === 'string' ? data : JSON.stringify(data));
  }
  return dir;
}

describe('shipped contracts', () => {
  it('the seed protocol: HO1 €223.60, HO2 €283.92, meal support €234.00 per CAK period', () => {
    const c = shipped.contractFor('42420001', '1916');
    expect(c?.basis).toBe('cak4w-periode');
    const tariff = (code: string, categorie = '01') =>
      lookupTariff(c, { categorie, code, eenheid: '83' }, '2019-06-01');
    expect([tariff('HO1'), tariff('HO2'), tariff('MAO', '06')].map((t) => t.ok && t.tarief.bedrag)).toEqual([
      22360, 28392, 23400,
    ]);
  });

  it('the national example prices the simulator and sample 301 products, by date', () => {
    const c = shipped.contractFor('42420001', '0384');
    expect(c?.basis).toBe('eenheid');
    const hour = (date: string) => lookupTariff(c, { categorie: '01', code: '01A01', eenheid: '04' }, date);
    expect([hour('2025-12-31'), hour('2026-01-01')].map((t) => t.ok && t.tarief.bedrag)).toEqual([
      3180, 3320,
    ]);
    const minute = lookupTariff(c, { categorie: '01', code: '01A01', eenheid: '01' }, '2023-06-01');
    expect(minute.ok && minute.tarief.bedrag).toBe(53);
  });

  it('reports a product without a tariff, a date without one and a gemeente without contract (TR418)', () => {
    const c = shipped.contractFor('42420001', '0384');
    expect(lookupTariff(c, { categorie: '03', code: '03A01', eenheid: '04' }, '2026-01-01')).toMatchObject({
      ok: false,
      finding: { rule: 'TR418', reason: 'geen-tarief' },
    });
    expect(lookupTariff(c, { categorie: '01', code: '01A01', eenheid: '04' }, '2022-12-31')).toMatchObject({
      ok: false,
      finding: {
        rule: 'TR418',
        reason: 'geen-tarief',
        message: expect.stringMatching(/no tariff valid on 2022-12-31/),
      },
    });
    expect(
      lookupTariff(
        shipped.contractFor('42420001', '0363'),
        { categorie: '01', code: 'X', eenheid: '04' },
        '2026-01-01',
      ),
    ).toMatchObject({ ok: false, finding: { rule: 'TR418', reason: 'geen-contract' } });
  });
});

describe('a bad contract file names the file and the rule', () => {
  const bad = (change: (c: typeof seedJson) => void) => {
    const copy = structuredClone(seedJson);
    change(copy);
    return () => parseContract(copy, 'c.json');
  };

  it('unit codes from the standard list, cents, categories', () => {
    expect(bad((c) => (c.producten[0].eenheid = '05'))).toThrow(
      "c.json: producten[0].eenheid: must be an Eenheid code (WJ756: 01, 04, 14, 16, 82, 83, 84), got '05'",
    );
    expect(bad((c) => (c.producten[1].tarieven[0].bedrag = 283.92))).toThrow(
      'c.json: producten[1].tarieven[0].bedrag: must be whole cents',
    );
    expect(bad((c) => (c.producten[0].categorie = '19'))).toThrow(
      'c.json: producten[0].categorie: must be a ProductCategorie code (WMO020: 01–18)',
    );
  });

  it('overlapping tariffs, duplicate products, CAK amounts in a unit other than euro', () => {
    expect(bad((c) => c.producten[0].tarieven.push({ ingangsdatum: '2020-01-01', bedrag: 1 }))).toThrow(
      'c.json: producten[0].tarieven: tariffs from 2018-12-31 and 2020-01-01 overlap',
    );
    expect(bad((c) => c.producten.push(structuredClone(c.producten[0])))).toThrow(
      'c.json: producten[3]: duplicate product 01/HO1/83',
    );
    expect(bad((c) => (c.producten[2].eenheid = '04'))).toThrow(
      "c.json: producten[2].eenheid: basis 'cak4w-periode' bills period amounts in euro's: eenheid must be '83'",
    );
    expect(bad((c) => (c.producten[0].tarieven[0].einddatum = '2018-12-30'))).toThrow(
      'c.json: producten[0].tarieven[0].einddatum: einddatum must not be before ingangsdatum',
    );
  });

  it('the loader: file name = id, basis fits the profile, one contract per parties, invalid JSON', () => {
    const renamed = configWith({ 'other.json': seedJson });
    expect(() => loadContracts(renamed, profiles)).toThrow(
      /other\.json: id: '42420001-1916' must match the file name/,
    );
    const wrongBasis = configWith({ '42420001-1916.json': { ...seedJson, basis: 'eenheid' } });
    expect(() => loadContracts(wrongBasis, profiles)).toThrow(
      /42420001-1916\.json: basis: 'eenheid' does not fit profile 'leidschendam-voorburg-2019' of gemeente 1916/,
    );
    const twice = configWith({ '42420001-1916.json': seedJson, 'b.json': { ...seedJson, id: 'b' } });
    expect(() => loadContracts(twice, profiles)).toThrow(/already have contract '42420001-1916'/);
    const broken = configWith({ 'x.json': '{ "id": ' });
    expect(() => loadContracts(broken, profiles)).toThrow(ContractError);
    expect(() => loadContracts(broken, profiles)).toThrow(/x\.json: invalid JSON/);
  });

  it('a folder without contracts/ loads no contracts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'contracts-'));
    dirs.push(dir);
    expect(loadContracts(dir).contracts).toEqual([]);
  });
});
