import { readFileSync } from 'node:fs';
import { decode, encode, isValidBsn, type MessageOf, makeReferentieNummer, type Wmo323 } from '../iwmo';

/*
 * The documents the benches run on: the WMO301 sample as it is, and a WMO323 declaratie with 1,000
 * Prestatie lines built from the WMO323 sample (distinct references and BSNs, amounts that add up, every
 * tenth line a credit line), so the bench sees a realistic large message that decodes without findings.
 */

const fixtures = new URL('../test/fixtures/iwmo-3.2/messages/', import.meta.url);

export interface BenchDocument {
  name: string;
  xml: string;
  bytes: number;
  /** Prestatie lines (323) or 1 (other messages); for the table. */
  lines: number;
}

type Prestatie = Wmo323['Declaratie']['Clienten']['Client'][number]['Prestaties']['Prestatie'][number];

function fail(message: string): never {
  throw new Error(`bench setup: ${message}`);
}

function decodeOk(xml: string, what: string) {
  const decoded = decode(xml);
  if (!decoded.ok)
    fail(`${what} does not decode: ${decoded.error.kind} ${decoded.error.rule} at ${decoded.error.path}`);
  return decoded.value;
}

/** Valid BSNs (11-proef) in ascending order from `from`. */
function* bsns(from: number): Generator<string> {
  for (let n = from; n <= 999_999_999; n++) {
    const bsn = String(n).padStart(9, '0');
    if (isValidBsn(bsn)) yield bsn;
  }
}

export function wmo323WithLines(sampleXml: string, lines: number, perClient = 5): string {
  const sample = decodeOk(sampleXml, 'WMO323 sample').message;
  if (sample.type !== 'WMO323') fail(`WMO323 sample decodes as ${sample.type}`);
  const templates = sample.bericht.Declaratie.Clienten.Client.flatMap((c) => c.Prestaties.Prestatie);
  const bsn = bsns(999_900_000);
  const clients: Wmo323['Declaratie']['Clienten']['Client'] = [];
  let signedTotal = 0;
  for (let i = 0; i < lines; i++) {
    if (i % perClient === 0) {
      clients.push({ Bsn: bsn.next().value ?? fail('ran out of BSNs'), Prestaties: { Prestatie: [] } });
    }
    const template = templates[i % templates.length] as Prestatie;
    const volume = 1 + (i % 20);
    const tarief = template.ProductTarief ?? 1250;
    const bedrag = volume * tarief;
    // Every tenth line is a credit line; it credits a line of an earlier declaration (CD060, TR316).
    const debetCredit = i % 10 === 9 ? 'C' : 'D';
    signedTotal += debetCredit === 'D' ? bedrag : -bedrag;
    const line: Prestatie = {
      ...structuredClone(template),
      ProductReferentie:
        debetCredit === 'C'
          ? {
              ReferentieNummer: makeReferentieNummer('RN', i),
              VorigReferentieNummer: makeReferentieNummer('RV', i),
            }
          : { ReferentieNummer: makeReferentieNummer('RN', i) },
      ToewijzingNummer: 20_000 + i,
      GeleverdVolume: volume,
      ProductTarief: tarief,
      IngediendBedrag: { Bedrag: bedrag, DebetCredit: debetCredit },
    };
    clients[clients.length - 1]?.Prestaties.Prestatie.push(line);
  }
  const message: MessageOf<'WMO323'> = {
    type: 'WMO323',
    bericht: {
      ...sample.bericht,
      Declaratie: {
        ...sample.bericht.Declaratie,
        TotaalIngediendBedrag: {
          TotaalBedrag: Math.abs(signedTotal),
          DebetCredit: signedTotal < 0 ? 'C' : 'D',
        },
        Clienten: { Client: clients },
      },
    },
  };
  const encoded = encode(message, { rules: 'report' });
  if (!encoded.ok)
    fail(`the ${lines}-line WMO323 does not encode: ${JSON.stringify(encoded.findings.slice(0, 3))}`);
  // Assert it round-trips before anything is timed.
  const back = decodeOk(encoded.xml, `the ${lines}-line WMO323`);
  if (back.message.type !== 'WMO323') fail('the built WMO323 decodes as another type');
  const decodedLines = back.message.bericht.Declaratie.Clienten.Client.reduce(
    (n, c) => n + c.Prestaties.Prestatie.length,
    0,
  );
  if (decodedLines !== lines) fail(`the built WMO323 has ${decodedLines} lines, expected ${lines}`);
  const refs = new Set(
    back.message.bericht.Declaratie.Clienten.Client.flatMap((c) =>
      c.Prestaties.Prestatie.map((p) => p.ProductReferentie.ReferentieNummer),
    ),
  );
  if (refs.size !== lines) fail('ReferentieNummer values are not distinct');
  if (back.findings.length) {
    console.warn(
      `note: the ${lines}-line WMO323 decodes with ${back.findings.length} rule finding(s): ${[...new Set(back.findings.map((f) => f.rule))].join(', ')}`,
    );
  }
  return encoded.xml;
}

export const byteLength = (text: string) => Buffer.byteLength(text, 'utf8');

export function loadDocuments(): BenchDocument[] {
  const wmo301 = readFileSync(new URL('WMO301.xml', fixtures), 'utf8');
  decodeOk(wmo301, 'WMO301 sample');
  const wmo323 = wmo323WithLines(readFileSync(new URL('WMO323.xml', fixtures), 'utf8'), 1000);
  return [
    { name: 'WMO301 (sample)', xml: wmo301, bytes: byteLength(wmo301), lines: 1 },
    { name: 'WMO323 (1,000 lines)', xml: wmo323, bytes: byteLength(wmo323), lines: 1000 },
  ];
}
