import { type MessageNumber, messages } from './catalogue';
import type { RetourCode } from './codelists';
import type { Layout } from './layout';
import { type IwmoMessage, type MessageOf, models } from './messages';
import type { Finding } from './problems';

/*
 * Retour builders for the registration messages (302/306/308/316/318/320), from a received heen message
 * and what was found in it (IV028/IV032, OP065):
 *  - no findings: Header only, no RetourCodes, no Client — an approved retour;
 *  - a level 2 finding (retourCode 0001): Header only with 0001; the heen message counts as never sent;
 *  - level 3/4 findings (specific codes, e.g. 9019 from the workflow's cross-message checks): the Client
 *    is returned with all its classes copied unchanged and RetourCodes on every class (0200 where fine);
 *  - an XSD problem (no retourCode): no retour at all, the transport refuses the message.
 */

export const retourOf = {
  '301': '302',
  '305': '306',
  '307': '308',
  '315': '316',
  '317': '318',
  '319': '320',
} as const satisfies Partial<Record<MessageNumber, MessageNumber>>;
export type RegistratieHeen = `WMO${keyof typeof retourOf}`;

export interface RetourMeta {
  /** IdentificatieRetour: ≤ 12 chars, unique per retour type per sender (TR056). */
  identificatie: string;
  /** DagtekeningRetour, YYYY-MM-DD. */
  dagtekening: string;
  /** Version of the rules (XSLT) applied; mandatory in the header when rejecting with 0001. */
  xsltVersie?: string;
}

export type RetourResult = { ok: true; retour: IwmoMessage } | { ok: false; reason: string };

const xsdVersie = { BasisschemaXsdVersie: '1.0.0', BerichtXsdVersie: '1.0.0' };
export const rulesVersion = '1.0.0';

type Obj = Record<string, unknown>;

/** The class (element with its own RetourCodes in the retour layout) a finding's path falls in. */
export function classOf(path: string, layout: Layout): string | undefined {
  let prefix = '/Bericht';
  let classPath: string | undefined;
  let current: Layout = layout;
  for (const segment of path.split('/').slice(2)) {
    const field = current[segment.replace(/\[[0-9]+\]$/, '')];
    if (!field || typeof field.type === 'string') break;
    prefix += `/${segment}`;
    current = field.type;
    if ('RetourCodes' in current) classPath = prefix;
  }
  return classPath;
}

/** Copies a heen subtree into the retour shape, putting RetourCodes on every class. */
function copyWithCodes(value: Obj, layout: Layout, path: string, codes: Map<string, RetourCode[]>): Obj {
  const out: Obj = {};
  for (const [name, field] of Object.entries(layout)) {
    if (name === 'RetourCodes') {
      out.RetourCodes = { RetourCode: codes.get(path) ?? ['0200'] };
      continue;
    }
    const v = value[name];
    if (v === undefined) continue;
    if (typeof field.type === 'string') out[name] = v;
    else if (field.repeated) {
      const sub = field.type;
      out[name] = (v as Obj[]).map((item, i) => copyWithCodes(item, sub, `${path}/${name}[${i + 1}]`, codes));
    } else out[name] = copyWithCodes(v as Obj, field.type, `${path}/${name}`, codes);
  }
  return out;
}

function codesByClass(findings: Finding[], layout: Layout): Map<string, RetourCode[]> {
  const codes = new Map<string, RetourCode[]>();
  for (const f of findings) {
    const at = classOf(f.path, layout) ?? '/Bericht/Header';
    const list = codes.get(at) ?? [];
    if (f.retourCode && !list.includes(f.retourCode)) list.push(f.retourCode);
    codes.set(at, list);
  }
  return codes;
}

export function buildRetour(
  heen: MessageOf<RegistratieHeen>,
  findings: Finding[],
  meta: RetourMeta,
): RetourResult {
  if (findings.some((f) => !f.retourCode)) {
    return { ok: false, reason: 'XSD-fouten krijgen geen retourbericht: het transport weigert het bericht' };
  }
  const nr = retourOf[heen.type.slice(3) as keyof typeof retourOf];
  const layout = models[nr].layout;
  const rejected = findings.some((f) => f.retourCode === '0001');
  const codes = rejected ? new Map<string, RetourCode[]>() : codesByClass(findings, layout);
  const heenHeader = heen.bericht.Header as Obj;
  const header: Obj = {
    ...heenHeader,
    BerichtCode: messages[nr].berichtCode,
    IdentificatieRetour: meta.identificatie,
    DagtekeningRetour: meta.dagtekening,
    ...(rejected ? { XsltVersie: meta.xsltVersie ?? rulesVersion } : {}),
    XsdVersieRetour: xsdVersie,
  };
  const headerCodes = rejected ? ['0001'] : codes.get('/Bericht/Header');
  const bodyRejected = [...codes.keys()].some((k) => k !== '/Bericht/Header');
  if (headerCodes || bodyRejected) header.RetourCodes = { RetourCode: headerCodes ?? ['0200'] };
  const bericht: Obj = { Header: header };
  if (bodyRejected) {
    for (const [name, field] of Object.entries(layout)) {
      if (name === 'Header' || typeof field.type === 'string') continue;
      const v = (heen.bericht as Obj)[name];
      if (v !== undefined) bericht[name] = copyWithCodes(v as Obj, field.type, `/Bericht/${name}`, codes);
    }
  }
  return { ok: true, retour: { type: `WMO${nr}`, bericht } as IwmoMessage };
}
