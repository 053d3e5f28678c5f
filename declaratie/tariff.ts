import type { IsoDate } from '../calendar/iso-date';
import type { ClaimFinding } from './findings';
import type { Contract, ContractProduct, Eenheid, Tarief } from './schemas';

/*
 * Tariff lookup: the contract product of a toewijzing and the tariff valid on a date. A toewijzing whose
 * product has no tariff is reported (TR418: the tariff must be the contract tariff), never priced at €0.
 */

export interface ProductKey {
  categorie: string;
  code?: string;
  eenheid: Eenheid;
}

export type TariffLookup =
  | { ok: true; product: ContractProduct; tarief: Tarief }
  | { ok: false; finding: ClaimFinding };

/** The contract product with this category, code and unit (TR339–TR341 need all three to match). */
export function contractProductFor(
  contract: Contract | undefined,
  key: ProductKey,
): ContractProduct | undefined {
  return contract?.producten.find(
    (p) => p.categorie === key.categorie && p.code === key.code && p.eenheid === key.eenheid,
  );
}

/** The tariff of a product valid on `date` (ingangsdatum ≤ date ≤ einddatum). */
export function tariefOn(product: ContractProduct, date: IsoDate): Tarief | undefined {
  return product.tarieven.find(
    (t) => t.ingangsdatum <= date && (t.einddatum === undefined || date <= t.einddatum),
  );
}

/** The contract tariff for a product on a date, or the finding that says why there is none (TR418). */
export function lookupTariff(contract: Contract | undefined, key: ProductKey, date: IsoDate): TariffLookup {
  const product = contractProductFor(contract, key);
  const what = `${key.categorie}/${key.code ?? '(aspecifiek)'} eenheid ${key.eenheid}`;
  if (!contract) {
    return {
      ok: false,
      finding: { rule: 'TR418', reason: 'geen-contract', message: 'no contract with this gemeente' },
    };
  }
  if (!product) {
    const message = `product ${what} is not in contract '${contract.id}'`;
    return { ok: false, finding: { rule: 'TR418', reason: 'geen-tarief', message } };
  }
  const tarief = tariefOn(product, date);
  if (!tarief) {
    const message = `product ${what} of contract '${contract.id}' has no tariff valid on ${date}`;
    return { ok: false, finding: { rule: 'TR418', reason: 'geen-tarief', message } };
  }
  return { ok: true, product, tarief };
}
