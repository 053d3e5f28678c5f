/*
 * declaratie/: the pure groundwork of claims (WMO323/325) for iwmo-flow — claim lines from reported care
 * and the contract tariff (standard counting rules, cumulative limits, the seed protocol's CAK period
 * amounts), assembling a 323, reading a 325 against its 323 and proposing corrections. No I/O, no clock,
 * no Node built-ins: safe in workflows. Contracts are data (config/contracts/*.json, schema in
 * ./schemas.ts, loaded by config/contracts.ts); only their types are used here. Checking a built 323 with
 * iwmo/ (./validate.ts) loads zod and the XML parser, so it is not exported here: activities import it.
 * See docs/claims.md.
 */

export {
  type Assembled,
  assembleDeclaratie,
  checkRegels,
  type DeclaratieInput,
  type RegelInBericht,
  type Wmo323,
} from './assemble';
export {
  type CakMonthInput,
  type CakShare,
  cakMonthFinalOn,
  cakSharesOfMonth,
  splitByLargestRemainder,
} from './cak';
export { type CareWindow, careWindow, clip, dayCount } from './care';
export {
  type CorrectieContext,
  type CreditEnDebet,
  type Herindiening,
  proposeCreditEnDebet,
  proposeHerindiening,
  type Wijziging,
} from './corrections';
export { isOutputgericht, periodMaximum, toewijzingMaximum, totaalThrough } from './counting';
export type { ClaimFinding, ClaimReason } from './findings';
export { type ClaimInput, type ClaimResult, claimLines } from './lines';
export { type LineOutcome, type Mismatch, type Reconciliation, reconcile325 } from './reconcile';
export { isDeclaratieNummer, type ReferentieParts, referentieNummer, volgnummerOf } from './referentie';
export type { Contract, ContractBasis, ContractProduct, Eenheid, Frequentie, Tarief } from './schemas';
export { contractProductFor, lookupTariff, type ProductKey, type TariffLookup, tariefOn } from './tariff';
export {
  type Declaratieregel,
  type EerderGedeclareerd,
  type Levering,
  type Omvang,
  type Periode,
  type StartStatus,
  type ToewijzingVoorDeclaratie,
  tijdelijkeStop,
} from './types';
