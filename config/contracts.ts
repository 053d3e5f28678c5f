import { join } from 'node:path';
import type { ProfileRegistry } from '../calendar';
import { type Contract, ContractError, parseContract } from '../declaratie/schemas';
import { checkIdIsFileName, displayPath, jsonFiles, readJson } from './files';
import { defaultConfigDir } from './profiles';

/*
 * Start-up loader for contracts: reads <dir>/contracts/*.json (one per aanbieder and gemeente: products,
 * units, tariffs with validity dates, billing basis), validates them with the schema in declaratie/ and
 * fails with the file and field that are wrong, like the profiles loader next to it.
 */

export interface ContractRegistry {
  readonly contracts: readonly Contract[];
  /** The contract of an aanbieder (AGB) with a gemeente (CBS), if there is one. */
  contractFor(aanbieder: string, gemeente: string): Contract | undefined;
}

/**
 * The amounts of a contract must follow the billing basis of the gemeente's profile: CAK period amounts
 * under a 'cak4w' profile, per-unit amounts under a 'month' profile.
 */
function checkBasis(c: Contract, file: string, profiles: ProfileRegistry | undefined): void {
  if (!profiles) return;
  const profile = profiles.profileFor(c.gemeente);
  const expected = profile.billing.calendar === 'cak4w' ? 'cak4w-periode' : 'eenheid';
  if (c.basis !== expected) {
    throw new ContractError(
      `${file}: basis: '${c.basis}' does not fit profile '${profile.id}' of gemeente ${c.gemeente} (billing.calendar '${profile.billing.calendar}' needs '${expected}')`,
    );
  }
}

function loadContractFile(file: string, profiles: ProfileRegistry | undefined): Contract {
  const shown = displayPath(file);
  const c = parseContract(readJson(file, ContractError), shown);
  checkIdIsFileName(c.id, file, ContractError);
  checkBasis(c, shown, profiles);
  return c;
}

/**
 * Loads every contract from `dir`/contracts (default: this config/ folder). With `profiles`, each
 * contract's basis is checked against its gemeente's profile. Throws ContractError naming the file.
 * No folder or no files: no contracts (every toewijzing then reports that it has no tariff).
 */
export function loadContracts(dir: string = defaultConfigDir, profiles?: ProfileRegistry): ContractRegistry {
  const folder = join(dir, 'contracts');
  const contracts = jsonFiles(folder, 'contracts', ContractError, { missingIsEmpty: true }).map((file) =>
    loadContractFile(file, profiles),
  );
  const byParties = new Map<string, Contract>();
  for (const c of contracts) {
    const key = `${c.aanbieder}/${c.gemeente}`;
    const other = byParties.get(key);
    if (other) {
      throw new ContractError(
        `${displayPath(join(folder, `${c.id}.json`))}: aanbieder ${c.aanbieder} and gemeente ${c.gemeente} already have contract '${other.id}'`,
      );
    }
    byParties.set(key, c);
  }
  return { contracts, contractFor: (aanbieder, gemeente) => byParties.get(`${aanbieder}/${gemeente}`) };
}
