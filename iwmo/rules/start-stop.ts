import type { Wmo305, Wmo307 } from '../messages';
import type { Findings } from './finding';
import { checkUniqueKeys } from './keys';

/*
 * 305 Start and 307 Stop: StatusAanlevering 1 or 3 only (CS058); a stop ends on or after its start (TR018);
 * no product twice (TR101) by the logical key of the standard: ToewijzingNummer, Product and Begindatum,
 * for a stop also Einddatum and RedenBeeindiging.
 */

export function checkStart(f: Findings, bericht: Wmo305): void {
  const products = bericht.Client.StartProducten.StartProduct;
  const productAt = (i: number) => `/Bericht/Client/StartProducten/StartProduct[${i + 1}]`;
  products.forEach((p, i) => {
    f.check(['1', '3'].includes(p.StatusAanlevering), 'CS058', `${productAt(i)}/StatusAanlevering`);
  });
  checkUniqueKeys(
    f,
    products,
    (p) => [p.ToewijzingNummer, p.Product?.Categorie, p.Product?.Code, p.Begindatum],
    productAt,
  );
}

export function checkStop(f: Findings, bericht: Wmo307): void {
  const products = bericht.Client.StopProducten.StopProduct;
  const productAt = (i: number) => `/Bericht/Client/StopProducten/StopProduct[${i + 1}]`;
  products.forEach((p, i) => {
    const at = productAt(i);
    f.check(['1', '3'].includes(p.StatusAanlevering), 'CS058', `${at}/StatusAanlevering`);
    f.check(p.Einddatum >= p.Begindatum, 'TR018', `${at}/Einddatum`);
  });
  checkUniqueKeys(
    f,
    products,
    (p) => [
      p.ToewijzingNummer,
      p.Product?.Categorie,
      p.Product?.Code,
      p.Begindatum,
      p.Einddatum,
      p.RedenBeeindiging,
    ],
    productAt,
  );
}
