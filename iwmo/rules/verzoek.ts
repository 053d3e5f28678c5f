import type { Wmo315, Wmo317, Wmo319 } from '../messages';
import type { Findings } from './finding';
import { checkProductShape } from './toewijzing';

/* 315 VOT, 317 VOW and the 319 answer. */

export function checkVerzoekOmToewijzing(f: Findings, bericht: Wmo315): void {
  const products = bericht.Client.AangevraagdeProducten.AangevraagdProduct;
  const refs = products.map((p) => p.ReferentieAanbieder);
  products.forEach((p, i) => {
    const at = `/Bericht/Client/AangevraagdeProducten/AangevraagdProduct[${i + 1}]`;
    const eind = p.ToewijzingEinddatum;
    f.check(!eind || eind >= p.ToewijzingIngangsdatum, 'CS003', `${at}/ToewijzingEinddatum`);
    f.check(refs.indexOf(p.ReferentieAanbieder) === i, 'TR383', `${at}/ReferentieAanbieder`);
    checkProductShape(f, { ...p, Einddatum: eind }, at, { omvangRule: 'CD095' });
  });
}

export function checkVerzoekOmWijziging(f: Findings, bericht: Wmo317): void {
  const v = bericht.Client.Verzoek;
  const at = '/Bericht/Client/Verzoek';
  f.check(Boolean(v.OngewijzigdeProducten || v.TeWijzigenProducten), 'TR352', at);
  f.check(Boolean(v.TeWijzigenProducten || v.NieuweProducten), 'TR353', at);
  v.TeWijzigenProducten?.TeWijzigenProduct.forEach((p, i) => {
    const here = `${at}/TeWijzigenProducten/TeWijzigenProduct[${i + 1}]`;
    f.check(!p.Einddatum || p.Einddatum >= p.GewensteIngangsdatum, 'CS003', `${here}/Einddatum`);
    checkProductShape(f, p, here, { hasProduct: false });
  });
  v.NieuweProducten?.NieuwProduct.forEach((p, i) => {
    const here = `${at}/NieuweProducten/NieuwProduct[${i + 1}]`;
    f.check(!p.Einddatum || p.Einddatum >= p.GewensteIngangsdatum, 'CS003', `${here}/Einddatum`);
    checkProductShape(f, p, here, { omvangRule: 'CD096' });
  });
}

/** CD085/CD086: a rejection (1) gives its reason; "in onderzoek" (2) gives none. */
export function checkAntwoord(f: Findings, bericht: Wmo319): void {
  const a = bericht.Antwoord;
  const at = '/Bericht/Antwoord/RedenAfwijzingVerzoek';
  f.check(!(a.VerzoekAntwoord === '1' && !a.RedenAfwijzingVerzoek), 'CD085', at);
  f.check(!(a.VerzoekAntwoord === '2' && a.RedenAfwijzingVerzoek), 'CD086', at);
}
