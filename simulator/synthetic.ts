import { encode, isValidBsn, type MessageOf } from '../iwmo';
import type { Scenario } from './scenario';

/*
 * Synthetic clients and the 301s that assign them, made with iwmo/encode (so every 301 passes the
 * standard's rules). BSNs pass the elfproef and come from the 99x range, names from short lists; the same
 * seed gives the same clients. None of it belongs to a real person.
 */

export interface SyntheticClient {
  bsn: string;
  achternaam: string;
  voorvoegsel?: string;
  voornamen: string;
  geboortedatum: string;
  geslacht: '1' | '2';
}

const achternamen: Array<[string, string?]> = [
  ['Simulant'],
  ['Proef', 'de'],
  ['Testhuis', 'van'],
  ['Voorbeeld'],
  ['Oefenveld', 'van het'],
  ['Kunstmatig'],
  ['Fictief', 'de'],
  ['Nagebootst'],
];
const voornamen = ['Anna', 'Bram', 'Carla', 'Daan', 'Eva', 'Femke', 'Gijs', 'Hanna', 'Ivo', 'Jet'];

/** `count` clients with BSNs from 990 000 000 + seed × 100 000 upward that pass the elfproef. */
export function syntheticClients(count: number, seed: number): SyntheticClient[] {
  const clients: SyntheticClient[] = [];
  let n = 990_000_000 + seed * 100_000;
  while (clients.length < count) {
    const bsn = String(n++);
    if (!isValidBsn(bsn)) continue;
    const i = clients.length;
    const [achternaam, voorvoegsel] = achternamen[(i + seed) % achternamen.length] as [string, string?];
    const year = 1940 + ((i * 7 + seed) % 66);
    const month = String(1 + ((i * 5) % 12)).padStart(2, '0');
    const day = String(1 + ((i * 11) % 28)).padStart(2, '0');
    clients.push({
      bsn,
      achternaam,
      ...(voorvoegsel ? { voorvoegsel } : {}),
      voornamen: voornamen[(i * 3 + seed) % voornamen.length] as string,
      geboortedatum: `${year}-${month}-${day}`,
      geslacht: i % 2 === 0 ? '1' : '2',
    });
  }
  return clients;
}

export interface Wmo301Input {
  gemeente: string;
  aanbieder: string;
  identificatie: string;
  /** Dagtekening and Toewijzingsdatum, YYYY-MM-DD. */
  dagtekening: string;
  /** Toewijzingstijd, HH:MM:SS. */
  tijd: string;
  client: SyntheticClient;
  toewijzingNummer: number;
  ingangsdatum: string;
  einddatum: string;
  toewijzing: Scenario['toewijzingen'];
}

export function build301(input: Wmo301Input): string {
  const { client, toewijzing } = input;
  const message: MessageOf<'WMO301'> = {
    type: 'WMO301',
    bericht: {
      Header: {
        BerichtCode: '414',
        BerichtVersie: 3,
        BerichtSubversie: 2,
        Afzender: input.gemeente,
        Ontvanger: input.aanbieder,
        BerichtIdentificatie: { Identificatie: input.identificatie, Dagtekening: input.dagtekening },
        XsdVersie: { BasisschemaXsdVersie: '1.0.0', BerichtXsdVersie: '1.0.0' },
      },
      Client: {
        Bsn: client.bsn,
        Geboortedatum: { Datum: client.geboortedatum },
        Geslacht: client.geslacht,
        Naam: {
          Geslachtsnaam: {
            Achternaam: client.achternaam,
            ...(client.voorvoegsel ? { Voorvoegsel: client.voorvoegsel } : {}),
          },
          Voornamen: client.voornamen,
          Voorletters: client.voornamen.slice(0, 1),
          NaamGebruik: '1',
        },
        Contactgegevens: {
          Contact: [
            {
              Soort: '01',
              Adres: {
                Huis: { Huisnummer: 1 + (Number(client.bsn) % 200) },
                Postcode: '9999ZZ',
                Straatnaam: 'Simulatiestraat',
                Plaatsnaam: 'Proefdorp',
                LandCode: 'NL',
              },
            },
          ],
        },
        ToegewezenProducten: {
          ToegewezenProduct: [
            {
              ToewijzingNummer: input.toewijzingNummer,
              Product: {
                Categorie: toewijzing.product.categorie,
                ...(toewijzing.product.code ? { Code: toewijzing.product.code } : {}),
              },
              Toewijzingsdatum: input.dagtekening,
              Toewijzingstijd: input.tijd,
              Ingangsdatum: input.ingangsdatum,
              Einddatum: input.einddatum,
              Omvang: {
                Volume: toewijzing.omvang.volume,
                Eenheid: toewijzing.omvang.eenheid,
                Frequentie: toewijzing.omvang.frequentie,
              },
            },
          ],
        },
      },
    } as MessageOf<'WMO301'>['bericht'],
  };
  const encoded = encode(message);
  if (!encoded.ok) {
    const rules = encoded.findings.map((f) => `${f.rule} at ${f.path}`).join('; ');
    throw new Error(`the scenario's 301 breaks the standard: ${rules}`);
  }
  return encoded.xml;
}
