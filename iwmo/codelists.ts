import { z } from 'zod';
import {
  debetCreditLabels,
  eenheidLabels,
  frequentieLabels,
  geslachtLabels,
  productCategorieLabels,
  redenBeeindigingLabels,
  redenWijzigingLabels,
  statusAanleveringLabels,
} from './code-labels';

/*
 * Code lists of iWmo 3.2, as the enumerations of basisschema.xsd define them (a test keeps them equal).
 * Labels are short Dutch names for messages and hints; the code is what goes on the wire.
 */

const codeList = <const T extends Record<string, string>>(labels: T) => ({
  schema: z.enum(Object.keys(labels) as [keyof T & string, ...(keyof T & string)[]]),
  labels,
});

/** WMO002 RedenWijziging. 01 is retired since 3.1 (CS336 forbids it); 13 = verwijderd. */
export const redenWijziging = codeList(redenWijzigingLabels);

/** WMO588 RedenBeeindiging; 20 = tijdelijk beëindigd (temporary stop, new rules in 3.2). */
export const redenBeeindiging = codeList(redenBeeindigingLabels);

/** WJ756 Eenheid. 83 = euro's: then volume is an amount (CS339) and no tariff is given (CD087). */
export const eenheid = codeList(eenheidLabels);

/** WMO757 Frequentie. */
export const frequentie = codeList(frequentieLabels);

export const debetCredit = codeList(debetCreditLabels);

/** COD467 StatusAanlevering. The schema knows 1, 2, 3 and 9; on 305/307 only 1 and 3 are allowed (CS058). */
export const statusAanlevering = codeList(statusAanleveringLabels);

/** WMO020 ProductCategorie (iWmo; iJw has 31–55 instead — they must not leak in). */
export const productCategorie = codeList(productCategorieLabels);

export const geslacht = codeList(geslachtLabels);

/**
 * WJ001 RetourCode. 0001 = rejected on in-message rules (not "approved"!), 0200 = no remarks,
 * 0233 = not assessed, 8001 = declaration fully awarded (325 only).
 */
export const retourCode = z.enum([
  '0001',
  '0200',
  '0233',
  '0611',
  '8001',
  '8017',
  '8021',
  '8187',
  '8214',
  '8848',
  '9019',
  '9056',
  '9063',
  '9069',
  '9071',
  '9074',
  '9307',
  '9308',
  '9319',
  '9321',
  '9322',
  '9326',
  '9332',
  '9333',
  '9338',
  '9339',
  '9340',
  '9341',
  '9346',
  '9347',
  '9349',
  '9350',
  '9351',
  '9355',
  '9357',
  '9359',
  '9360',
  '9361',
  '9365',
  '9366',
  '9367',
  '9369',
  '9373',
  '9374',
  '9375',
  '9379',
  '9384',
  '9385',
  '9387',
  '9388',
  '9389',
  '9390',
  '9411',
  '9412',
  '9413',
  '9414',
  '9415',
  'S300',
  'S329',
]);
export type RetourCode = z.infer<typeof retourCode>;
