import type { Wmo305, Wmo307 } from '../messages';
import type { Findings } from './finding';

/* 305 Start and 307 Stop: StatusAanlevering 1 or 3 only (CS058); a stop ends on or after its start (TR018). */

export function checkStart(f: Findings, bericht: Wmo305): void {
  bericht.Client.StartProducten.StartProduct.forEach((p, i) => {
    const at = `/Bericht/Client/StartProducten/StartProduct[${i + 1}]`;
    f.check(['1', '3'].includes(p.StatusAanlevering), 'CS058', `${at}/StatusAanlevering`);
  });
}

export function checkStop(f: Findings, bericht: Wmo307): void {
  bericht.Client.StopProducten.StopProduct.forEach((p, i) => {
    const at = `/Bericht/Client/StopProducten/StopProduct[${i + 1}]`;
    f.check(['1', '3'].includes(p.StatusAanlevering), 'CS058', `${at}/StatusAanlevering`);
    f.check(p.Einddatum >= p.Begindatum, 'TR018', `${at}/Einddatum`);
  });
}
