import { z } from 'zod';

/*
 * Code lists of iWmo 3.2, as the enumerations of basisschema.xsd define them (a test keeps them equal).
 * Labels are short Dutch names for messages and hints; the code is what goes on the wire.
 */

const codeList = <const T extends Record<string, string>>(labels: T) => ({
  schema: z.enum(Object.keys(labels) as [keyof T & string, ...(keyof T & string)[]]),
  labels,
});

/** WMO002 RedenWijziging. 01 is retired since 3.1 (CS336 forbids it); 13 = verwijderd. */
export const redenWijziging = codeList({
  '01': 'administratieve correctie (vervallen)',
  '02': 'cliënt overleden',
  '03': 'contractwijziging',
  '04': 'herbeoordeling verlenging',
  '05': 'herbeoordeling verkorting',
  '06': 'uitstroom ander domein',
  '07': 'verhuizing andere gemeente',
  '08': 'wijziging leveringsvorm',
  '09': 'overstap andere aanbieder',
  '10': 'nieuwe bekostigingssystematiek',
  '11': 'gemeentelijke herindeling',
  '12': 'geïnitieerd door aanbieder',
  '13': 'verwijderd',
  '14': 'administratieve correctie',
});

/** WMO588 RedenBeeindiging; 20 = tijdelijk beëindigd (temporary stop, new rules in 3.2). */
export const redenBeeindiging = codeList({
  '02': 'overlijden',
  '19': 'volgens plan beëindigd',
  '20': 'tijdelijk beëindigd',
  '21': 'eenzijdig door cliënt',
  '22': 'eenzijdig door aanbieder',
  '23': 'in overeenstemming voortijdig',
  '31': 'verhuizing',
  '36': 'geïnitieerd door gemeente',
  '37': 'i.v.m. wijzigingsverzoek',
  '38': 'overstap andere aanbieder',
  '39': 'uitstroom ander domein',
});

/** WJ756 Eenheid. 83 = euro's: then volume is an amount (CS339) and no tariff is given (CD087). */
export const eenheid = codeList({
  '01': 'minuut',
  '04': 'uur',
  '14': 'etmaal',
  '16': 'dagdeel (4 uur)',
  '82': 'stuks (output)',
  '83': "euro's",
  '84': 'stuks (inspanning)',
});

/** WMO757 Frequentie. */
export const frequentie = codeList({
  '1': 'per dag',
  '2': 'per week',
  '4': 'per maand',
  '6': 'totaal binnen geldigheidsduur toewijzing',
});

export const debetCredit = codeList({ D: 'debet', C: 'credit' });

/** COD467 StatusAanlevering. The schema knows 1, 2, 3 and 9; on 305/307 only 1 and 3 are allowed (CS058). */
export const statusAanlevering = codeList({
  '1': 'eerste aanlevering',
  '2': 'gewijzigde aanlevering',
  '3': 'verwijderen aanlevering',
  '9': 'geen aanlevering',
});

/** WMO020 ProductCategorie (iWmo; iJw has 31–55 instead — they must not leak in). */
export const productCategorie = codeList({
  '01': 'hulp bij het huishouden',
  '02': 'begeleiding',
  '03': 'persoonlijke verzorging',
  '04': 'kortdurend verblijf',
  '05': 'woondiensten',
  '06': 'overige individuele ondersteuning',
  '07': 'dagbesteding',
  '08': 'vervoerdiensten',
  '09': 'overige groepsgerichte ondersteuning',
  '10': 'overige maatwerkarrangementen',
  '11': 'rolstoelen',
  '12': 'vervoervoorzieningen',
  '13': 'woonvoorzieningen',
  '14': 'overige hulpmiddelen',
  '15': 'beschermd wonen',
  '16': 'opvang',
  '17': 'spoedopvang',
  '18': 'overige beschermd wonen en opvang',
});

export const geslacht = codeList({ '0': 'onbekend', '1': 'mannelijk', '2': 'vrouwelijk' });

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
