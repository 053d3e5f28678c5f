import type { Wmo301 } from '../messages';
import { isDeletedToewijzing } from '../toewijzing-version';
import { after2020, type Findings } from './finding';
import { checkNoOverlap, checkUniqueKeys } from './keys';
import { checkContact, checkGeboortedatum } from './persoon';

/*
 * Rules on one assigned (or requested) product's shape — which of Product, Omvang, Budget and Einddatum
 * go together (CD041, CD075–CD080, CS338/CS343) — shared by the 301, 315 and 317; and the 301's own rules.
 */

export interface ProductShape {
  Product?: { Categorie: string; Code?: string };
  Einddatum?: string;
  Omvang?: { Volume: number; Eenheid: string; Frequentie: string };
  Budget?: number;
}

/**
 * CD080 is CD095 in the 315 and CD096 in the 317, CS338 is CS343 in the 315: the same condition under
 * another number. A 317 TeWijzigenProduct has no Product element (it names a toewijzing), so the Product
 * rules skip it.
 */
export function checkProductShape(
  f: Findings,
  p: ProductShape,
  at: string,
  options: { omvangRule?: string; frequentieRule?: string; hasProduct?: boolean } = {},
): void {
  const { omvangRule = 'CD080', frequentieRule = 'CS338', hasProduct = true } = options;
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
  f.check(!(perPeriod && after2020(p.Einddatum) && !frequentieOk), frequentieRule, `${at}/Omvang/Frequentie`);
}

type Naam = Wmo301['Client']['Naam'];

/** CS050: with a Partnernaam NaamGebruik is 1–4; without one it is 1 or 6. */
function naamGebruikOk(naam: Naam): boolean {
  return naam.Partnernaam
    ? ['1', '2', '3', '4'].includes(naam.NaamGebruik)
    : ['1', '6'].includes(naam.NaamGebruik);
}

type ToegewezenProduct = Wmo301['Client']['ToegewezenProducten']['ToegewezenProduct'][number];

/** The workflow's test, so a deleted toewijzing means the same in the rules and in the lifecycle. */
const deleted = (p: ToegewezenProduct) =>
  isDeletedToewijzing({
    redenWijziging: p.RedenWijziging,
    ingangsdatum: p.Ingangsdatum,
    einddatum: p.Einddatum,
  });

export function checkToewijzing(f: Findings, bericht: Wmo301): void {
  const client = bericht.Client;
  const dagtekening = bericht.Header.BerichtIdentificatie.Dagtekening;
  f.check(naamGebruikOk(client.Naam), 'CS050', '/Bericht/Client/Naam/NaamGebruik');
  f.check(client.Naam.NaamGebruik !== '6', 'CS318', '/Bericht/Client/Naam/NaamGebruik');
  const c = client.Communicatie;
  if (c) f.check((c.Vorm === '1') === (c.Taal !== undefined), 'CD007', '/Bericht/Client/Communicatie/Taal');
  const relaties = client.Relaties?.Relatie ?? [];
  const relatieAt = (i: number) => `/Bericht/Client/Relaties/Relatie[${i + 1}]`;
  relaties.forEach((r, i) => {
    f.check(naamGebruikOk(r.Naam), 'CS050', `${relatieAt(i)}/Naam/NaamGebruik`);
    if (r.Geboortedatum) checkGeboortedatum(f, r.Geboortedatum, `${relatieAt(i)}/Geboortedatum`, dagtekening);
    checkContact(f, r.Contact, `${relatieAt(i)}/Contact`);
  });
  checkUniqueKeys(f, relaties, (r) => [r.Nummer], relatieAt);
  const contacts = client.Contactgegevens.Contact;
  const contactAt = (i: number) => `/Bericht/Client/Contactgegevens/Contact[${i + 1}]`;
  contacts.forEach((contact, i) => {
    checkContact(f, contact, contactAt(i));
  });
  checkUniqueKeys(f, contacts, (contact) => [contact.Soort], contactAt);
  const addressed = contacts.some((contact) => ['01', '02', '03'].includes(contact.Soort));
  f.check(addressed, 'TR061', '/Bericht/Client/Contactgegevens');
  const products = client.ToegewezenProducten.ToegewezenProduct;
  const productAt = (i: number) => `/Bericht/Client/ToegewezenProducten/ToegewezenProduct[${i + 1}]`;
  products.forEach((p, i) => {
    const at = productAt(i);
    f.check(!p.Einddatum || p.Einddatum >= p.Ingangsdatum, 'CS003', `${at}/Einddatum`);
    f.check(p.RedenWijziging !== '13' || p.Einddatum === p.Ingangsdatum, 'CS335', `${at}/RedenWijziging`);
    f.check(p.RedenWijziging !== '01', 'CS336', `${at}/RedenWijziging`);
    checkProductShape(f, p, at);
  });
  checkUniqueKeys(f, products, (p) => [p.ToewijzingNummer], productAt);
  const periods = products.map((p) =>
    deleted(p) ? null : { Product: p.Product, begin: p.Ingangsdatum, eind: p.Einddatum },
  );
  checkNoOverlap(f, periods, 'TR302', productAt);
}
