/*
 * The labels of the iWmo 3.2 code lists as plain data (code → short Dutch name). codelists.ts wraps them
 * in zod enums; code that must stay light (workflow rules) reads them from here without loading zod.
 */

/** WMO002 RedenWijziging. 01 is retired since 3.1 (CS336 forbids it); 13 = verwijderd. */
export const redenWijzigingLabels = {
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
} as const;

/** WMO588 RedenBeeindiging; 20 = tijdelijk beëindigd (temporary stop, new rules in 3.2). */
export const redenBeeindigingLabels = {
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
} as const;

/** WJ756 Eenheid. 83 = euro's: then volume is an amount (CS339) and no tariff is given (CD087). */
export const eenheidLabels = {
  '01': 'minuut',
  '04': 'uur',
  '14': 'etmaal',
  '16': 'dagdeel (4 uur)',
  '82': 'stuks (output)',
  '83': "euro's",
  '84': 'stuks (inspanning)',
} as const;

/** WMO757 Frequentie. */
export const frequentieLabels = {
  '1': 'per dag',
  '2': 'per week',
  '4': 'per maand',
  '6': 'totaal binnen geldigheidsduur toewijzing',
} as const;

export const debetCreditLabels = { D: 'debet', C: 'credit' } as const;

/** COD467 StatusAanlevering. The schema knows 1, 2, 3 and 9; on 305/307 only 1 and 3 are allowed (CS058). */
export const statusAanleveringLabels = {
  '1': 'eerste aanlevering',
  '2': 'gewijzigde aanlevering',
  '3': 'verwijderen aanlevering',
  '9': 'geen aanlevering',
} as const;

/** WMO020 ProductCategorie (iWmo; iJw has 31–55 instead — they must not leak in). */
export const productCategorieLabels = {
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
} as const;

export const geslachtLabels = { '0': 'onbekend', '1': 'mannelijk', '2': 'vrouwelijk' } as const;
