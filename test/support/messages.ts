import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../app/temporal-binaries';
import { decode, encode, type MessageOf, type MessageType, type Wmo301 } from '../../iwmo';

/*
 * iWmo messages for messaging tests, built from the fixture samples: decoded, changed as a test needs,
 * encoded again. The sample client's BSN is `sampleBsn`; tests assert it never shows up where it must not.
 */

export const sampleBsn = '999900006';
export const sampleGemeente = '0384';
export const sampleAanbieder = '42420001';

export const sampleXml = (nr: string) =>
  readFileSync(join(repoRoot, 'test', 'fixtures', 'iwmo-3.2', 'messages', `WMO${nr}.xml`), 'utf8');

export const xsdPath = (nr: string) => join(repoRoot, 'test', 'fixtures', 'iwmo-3.2', 'xsd', `WMO${nr}.xsd`);

export function decodeAs<T extends MessageType>(xml: string, type: T): MessageOf<T> {
  const res = decode(xml);
  if (!res.ok)
    throw new Error(`does not decode: ${res.error.rule} at ${res.error.path}: ${res.error.message}`);
  if (res.value.message.type !== type) throw new Error(`decodes as ${res.value.message.type}, not ${type}`);
  return res.value.message as MessageOf<T>;
}

type Product = Wmo301['Client']['ToegewezenProducten']['ToegewezenProduct'][number];

/**
 * The sample 301 with its own Identificatie (so each test's message is new to the inbox) and the given
 * toewijzing numbers, each a copy of the sample's product with its own product code (the same product
 * twice in one period breaks TR302). `change` may break it; it is encoded anyway. `dagtekening`
 * replaces the header's (the sample's is 2023-08-13), for messages dated relative to today.
 */
export function wmo301(
  identificatie: string,
  nummers: number[],
  change: (products: Product[]) => void = () => {},
  options: { dagtekening?: string } = {},
): string {
  const sample = decodeAs(sampleXml('301'), 'WMO301');
  const template = sample.bericht.Client.ToegewezenProducten.ToegewezenProduct[0] as Product;
  const products = nummers.map((n, i) => ({
    ...structuredClone(template),
    ToewijzingNummer: n,
    Product: { Categorie: '01' as const, Code: `01A${String(i + 1).padStart(2, '0')}` },
  }));
  change(products);
  const message: MessageOf<'WMO301'> = {
    type: 'WMO301',
    bericht: {
      ...sample.bericht,
      Header: {
        ...sample.bericht.Header,
        BerichtIdentificatie: {
          ...sample.bericht.Header.BerichtIdentificatie,
          Identificatie: identificatie,
          ...(options.dagtekening ? { Dagtekening: options.dagtekening } : {}),
        },
      },
      Client: { ...sample.bericht.Client, ToegewezenProducten: { ToegewezenProduct: products } },
    },
  };
  const out = encode(message, { rules: 'report' });
  if (!out.ok) throw new Error(`301 does not encode: ${JSON.stringify(out.findings.map((f) => f.rule))}`);
  return out.xml;
}

/** The same message in another standard or release: only the namespace URIs differ. */
export function inNamespace(xml: string, from: RegExp, to: string): string {
  return xml.replace(from, to);
}
