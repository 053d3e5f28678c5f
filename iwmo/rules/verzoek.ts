import type { Wmo315, Wmo317, Wmo319 } from '../messages';
import type { Findings } from './finding';
import { checkNoOverlap, checkUniqueKeys } from './keys';
import { checkProductShape } from './toewijzing';

/* 315 VOT, 317 VOW and the 319 answer. */

type AangevraagdProduct = Wmo315['Client']['AangevraagdeProducten']['AangevraagdProduct'][number];

/** CD043 and the referrer (CD066–CD068): types 02–05 name an AGB code or, without one, a name. */
function checkAanvraag(f: Findings, p: AangevraagdProduct, at: string): void {
  const beschikking = p.BeschikkingNummer !== undefined;
  f.check(
    beschikking === (p.BeschikkingIngangsdatum !== undefined),
    'CD043',
    `${at}/BeschikkingIngangsdatum`,
  );
  const v = p.Verwijzer;
  const agbType = ['02', '03', '04', '05'].includes(v.Type);
  const agb = v.ZorgverlenerCode !== undefined;
  const naam = v.Naam !== undefined;
  f.check(!(agbType && agb && naam), 'CD066', `${at}/Verwijzer/Naam`);
  f.check(!(agbType && !agb && !naam), 'CD067', `${at}/Verwijzer/Naam`);
  f.check(agbType || !agb, 'CD068', `${at}/Verwijzer/ZorgverlenerCode`);
}

export function checkVerzoekOmToewijzing(f: Findings, bericht: Wmo315): void {
  const products = bericht.Client.AangevraagdeProducten.AangevraagdProduct;
  const productAt = (i: number) => `/Bericht/Client/AangevraagdeProducten/AangevraagdProduct[${i + 1}]`;
  const firstWith = new Map<string, number>();
  products.forEach((p, i) => {
    if (!firstWith.has(p.ReferentieAanbieder)) firstWith.set(p.ReferentieAanbieder, i);
  });
  products.forEach((p, i) => {
    const at = productAt(i);
    const eind = p.ToewijzingEinddatum;
    f.check(!eind || eind >= p.ToewijzingIngangsdatum, 'CS003', `${at}/ToewijzingEinddatum`);
    f.check(firstWith.get(p.ReferentieAanbieder) === i, 'TR383', `${at}/ReferentieAanbieder`);
    checkProductShape(f, { ...p, Einddatum: eind }, at, { omvangRule: 'CD095', frequentieRule: 'CS343' });
    checkAanvraag(f, p, at);
  });
  checkUniqueKeys(f, products, (p) => [p.ReferentieAanbieder], productAt);
  const periods = products.map((p) => ({
    Product: p.Product,
    begin: p.ToewijzingIngangsdatum,
    eind: p.ToewijzingEinddatum,
  }));
  checkNoOverlap(f, periods, 'TR386', productAt);
}

export function checkVerzoekOmWijziging(f: Findings, bericht: Wmo317): void {
  const v = bericht.Client.Verzoek;
  const dagtekening = bericht.Header.BerichtIdentificatie.Dagtekening;
  const at = '/Bericht/Client/Verzoek';
  f.check(Boolean(v.OngewijzigdeProducten || v.TeWijzigenProducten), 'TR352', at);
  f.check(Boolean(v.TeWijzigenProducten || v.NieuweProducten), 'TR353', at);
  const ongewijzigd = v.OngewijzigdeProducten?.OngewijzigdProduct ?? [];
  checkUniqueKeys(
    f,
    ongewijzigd,
    (p) => [p.ToewijzingNummer],
    (i) => `${at}/OngewijzigdeProducten/OngewijzigdProduct[${i + 1}]`,
  );
  const teWijzigen = v.TeWijzigenProducten?.TeWijzigenProduct ?? [];
  const teWijzigenAt = (i: number) => `${at}/TeWijzigenProducten/TeWijzigenProduct[${i + 1}]`;
  teWijzigen.forEach((p, i) => {
    const here = teWijzigenAt(i);
    f.check(!p.Einddatum || p.Einddatum >= p.GewensteIngangsdatum, 'CS003', `${here}/Einddatum`);
    f.check(!p.Einddatum || p.Einddatum > dagtekening, 'TR380', `${here}/Einddatum`);
    checkProductShape(f, p, here, { hasProduct: false });
  });
  checkUniqueKeys(f, teWijzigen, (p) => [p.ToewijzingNummer], teWijzigenAt);
  const nieuw = v.NieuweProducten?.NieuwProduct ?? [];
  const nieuwAt = (i: number) => `${at}/NieuweProducten/NieuwProduct[${i + 1}]`;
  nieuw.forEach((p, i) => {
    const here = nieuwAt(i);
    f.check(!p.Einddatum || p.Einddatum >= p.GewensteIngangsdatum, 'CS003', `${here}/Einddatum`);
    f.check(!p.Einddatum || p.Einddatum > dagtekening, 'TR380', `${here}/Einddatum`);
    checkProductShape(f, p, here, { omvangRule: 'CD096' });
  });
  checkUniqueKeys(f, nieuw, (p) => [p.Product?.Categorie, p.Product?.Code, p.GewensteIngangsdatum], nieuwAt);
  const periods = nieuw.map((p) => ({
    Product: p.Product,
    begin: p.GewensteIngangsdatum,
    eind: p.Einddatum,
  }));
  checkNoOverlap(f, periods, 'TR410', nieuwAt);
}

/** CD085/CD086: a rejection (1) gives its reason; "in onderzoek" (2) gives none. */
export function checkAntwoord(f: Findings, bericht: Wmo319): void {
  const a = bericht.Antwoord;
  const at = '/Bericht/Antwoord/RedenAfwijzingVerzoek';
  f.check(!(a.VerzoekAntwoord === '1' && !a.RedenAfwijzingVerzoek), 'CD085', at);
  f.check(!(a.VerzoekAntwoord === '2' && a.RedenAfwijzingVerzoek), 'CD086', at);
}
