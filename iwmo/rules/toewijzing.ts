import type { Wmo301 } from '../messages';
import { after2020, type Findings } from './finding';

/*
 * Rules on one assigned (or requested) product's shape — which of Product, Omvang, Budget and Einddatum
 * go together (CD041, CD075–CD080, CS338) — shared by the 301, 315 and 317; and the 301's own rules.
 */

export interface ProductShape {
  Product?: { Categorie: string; Code?: string };
  Einddatum?: string;
  Omvang?: { Volume: number; Eenheid: string; Frequentie: string };
  Budget?: number;
}

/**
 * CD080 is CD095 in the 315 and CD096 in the 317: the same condition under another number. A 317
 * TeWijzigenProduct has no Product element (it names a toewijzing), so the Product rules skip it.
 */
export function checkProductShape(
  f: Findings,
  p: ProductShape,
  at: string,
  options: { omvangRule?: string; hasProduct?: boolean } = {},
): void {
  const { omvangRule = 'CD080', hasProduct = true } = options;
  f.check(!(p.Product?.Code && !p.Omvang), 'CD041', `${at}/Omvang`);
  f.check(!(p.Budget !== undefined && !p.Einddatum), 'CD075', `${at}/Einddatum`);
  f.check(!(p.Omvang?.Frequentie === '2' && !p.Einddatum), 'CD076', `${at}/Einddatum`);
  f.check(!(p.Budget !== undefined && p.Omvang), 'CD077', `${at}/Omvang`);
  f.check(!(p.Omvang && p.Budget !== undefined), 'CD078', `${at}/Budget`);
  if (hasProduct) {
    f.check(!(p.Budget === undefined && !p.Product), 'CD079', `${at}/Product`);
    f.check(!(p.Omvang && !p.Product?.Code && after2020(p.Einddatum)), omvangRule, `${at}/Omvang`);
  }
  const perPeriod = ['14', '16', '83', '84'].includes(p.Omvang?.Eenheid ?? '');
  const frequentieOk = ['2', '4', '6'].includes(p.Omvang?.Frequentie ?? '');
  f.check(!(perPeriod && after2020(p.Einddatum) && !frequentieOk), 'CS338', `${at}/Omvang/Frequentie`);
}

type Naam = Wmo301['Client']['Naam'];

/** CS050: with a Partnernaam NaamGebruik is 1–4; without one it is 1 or 6. */
function naamGebruikOk(naam: Naam): boolean {
  return naam.Partnernaam
    ? ['1', '2', '3', '4'].includes(naam.NaamGebruik)
    : ['1', '6'].includes(naam.NaamGebruik);
}

export function checkToewijzing(f: Findings, bericht: Wmo301): void {
  const client = bericht.Client;
  f.check(naamGebruikOk(client.Naam), 'CS050', '/Bericht/Client/Naam/NaamGebruik');
  f.check(client.Naam.NaamGebruik !== '6', 'CS318', '/Bericht/Client/Naam/NaamGebruik');
  client.Relaties?.Relatie.forEach((r, i) => {
    f.check(naamGebruikOk(r.Naam), 'CS050', `/Bericht/Client/Relaties/Relatie[${i + 1}]/Naam/NaamGebruik`);
  });
  const addressed = client.Contactgegevens.Contact.some((c) => ['01', '02', '03'].includes(c.Soort));
  f.check(addressed, 'TR061', '/Bericht/Client/Contactgegevens');
  client.ToegewezenProducten.ToegewezenProduct.forEach((p, i) => {
    const at = `/Bericht/Client/ToegewezenProducten/ToegewezenProduct[${i + 1}]`;
    f.check(!p.Einddatum || p.Einddatum >= p.Ingangsdatum, 'CS003', `${at}/Einddatum`);
    f.check(p.RedenWijziging !== '13' || p.Einddatum === p.Ingangsdatum, 'CS335', `${at}/RedenWijziging`);
    f.check(p.RedenWijziging !== '01', 'CS336', `${at}/RedenWijziging`);
    checkProductShape(f, p, at);
  });
}
