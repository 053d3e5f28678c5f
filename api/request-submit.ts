import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { and, eq } from 'drizzle-orm';
import type { ProfileRegistry } from '../calendar/profile';
import { type RequestInput, requestWorkflowId } from '../contract/request/contract';
import { assignments, type Database } from '../db';
import {
  findRequestDocumentByEvent,
  type RequestDocumentRow,
  storeRequestDocument,
} from '../db/queries/requests';
import { buildVerzoek, type Finding, type HuidigeToewijzing, type VerzoekJson } from '../iwmo';
import { problem, problemTypes } from './problem';

/*
 * What POST /v1/requests and the resend do before Temporal hears of it: check the request with the
 * standard's rules (iwmo/buildVerzoek, with the referenties this aanbieder used and, for a 317, the
 * client's current toewijzingen from the read model), store the document (the only copy of the BSN,
 * name and birth date besides the outbox) and say which workflows it concerns. A refusal is a 422 that
 * names every rule, never the content.
 */

export interface SubmitDeps {
  db: Database;
  temporal: Client;
  profiles: ProfileRegistry;
  clientRef: (bsn: string) => string;
}

const bsnOf = (json: VerzoekJson) => String((json.client as { Bsn?: unknown }).Bsn ?? '');

/** The referentie(s) of a request: one per product of a 315, one for a 317. */
export function referentiesOf(json: VerzoekJson): string[] {
  // Read before the builder checked the shape (TR347 needs them): anything may be here.
  const loose = json as { producten?: unknown; verzoek?: { ReferentieAanbieder?: unknown } };
  const refs =
    json.soort === '315'
      ? Array.isArray(loose.producten)
        ? loose.producten.map((p) => (p as { ReferentieAanbieder?: unknown } | null)?.ReferentieAanbieder)
        : []
      : [loose.verzoek?.ReferentieAanbieder];
  return refs.filter((r): r is string => typeof r === 'string');
}

/** A 317 is checked against every toewijzing of this client at this aanbieder (TR349–TR351). */
async function currentToewijzingen(deps: SubmitDeps, json: VerzoekJson): Promise<HuidigeToewijzing[]> {
  // Not a BSN: no client to look up; the builder refuses the Bsn with its rule.
  if (!/^[0-9]{9}$/.test(bsnOf(json))) return [];
  const rows = await deps.db
    .select({ n: assignments.toewijzingNummer, in: assignments.ingangsdatum, end: assignments.einddatum })
    .from(assignments)
    .where(
      and(
        eq(assignments.aanbieder, json.aanbieder),
        eq(assignments.gemeente, json.gemeente),
        eq(assignments.clientRef, deps.clientRef(bsnOf(json))),
      ),
    );
  return rows.map((r) => ({
    toewijzingNummer: r.n,
    ingangsdatum: r.in,
    ...(r.end ? { einddatum: r.end } : {}),
  }));
}

/** The referenties of this request that a workflow already carries (TR347: unique per aanbieder). */
async function usedReferenties(deps: SubmitDeps, json: VerzoekJson, except: string[]): Promise<string[]> {
  const used: string[] = [];
  for (const ref of referentiesOf(json)) {
    if (except.includes(ref)) continue;
    let id: string;
    try {
      id = requestWorkflowId(json.aanbieder, ref);
    } catch {
      continue; // the builder names the rule
    }
    const known = await deps.temporal.workflow
      .getHandle(id)
      .describe()
      .then(
        () => true,
        (err: unknown) => {
          if (err instanceof WorkflowNotFoundError) return false;
          throw err;
        },
      );
    if (known) used.push(ref);
  }
  return used;
}

function refused(findings: Finding[]): never {
  const rules = [...new Set(findings.map((f) => f.rule))];
  throw problem(422, `the request breaks ${rules.join(', ')}`, {
    type: problemTypes.rule,
    rule: rules[0] ?? 'Schema',
    findings: findings.slice(0, 50).map((f) => ({
      rule: f.rule,
      path: f.path,
      message: f.message,
      ...(f.retourCode ? { retourCode: f.retourCode } : {}),
      ...(f.hint ? { hint: f.hint } : {}),
    })),
  });
}

export interface Submitted {
  document: RequestDocumentRow;
  json: VerzoekJson;
  duplicate: boolean;
}

/**
 * Checks and stores a request document under the caller's eventId; the same eventId again returns the
 * stored one. `ownReferenties`: referenties the caller's own workflows already carry (a resend).
 */
export async function submitRequest(
  deps: SubmitDeps,
  input: { eventId: string; verzoek: unknown; today: string; ownReferenties?: string[] },
): Promise<Submitted> {
  const json = input.verzoek as VerzoekJson;
  const earlier = await findRequestDocumentByEvent(deps.db, json.aanbieder, input.eventId);
  if (earlier) return { document: earlier, json: earlier.document as VerzoekJson, duplicate: true };
  const huidige = json.soort === '317' ? await currentToewijzingen(deps, json) : undefined;
  const used = await usedReferenties(deps, json, input.ownReferenties ?? []);
  const built = buildVerzoek(json, {
    identificatie: 'CHECK',
    dagtekening: input.today,
    gebruikteReferenties: used,
    ...(huidige ? { huidigeToewijzingen: huidige } : {}),
  });
  if (!built.ok) refused(built.findings);
  await storeRequestDocument(deps.db, {
    soort: json.soort,
    aanbieder: json.aanbieder,
    gemeente: json.gemeente,
    document: json,
    ...(huidige ? { huidigeToewijzingen: huidige } : {}),
    eventId: input.eventId,
  });
  // Read back: a concurrent call with the same eventId may have stored first (unique index).
  const stored = await findRequestDocumentByEvent(deps.db, json.aanbieder, input.eventId);
  if (!stored) throw new Error('request document not found after storing it');
  return { document: stored, json: stored.document as VerzoekJson, duplicate: false };
}

/** Per referentie, what its workflow asks for: the product (315) or the named toewijzingen (317). */
export function requestPartsOf(
  json: VerzoekJson,
): Map<string, Pick<RequestInput, 'product' | 'ingangsdatum' | 'toewijzingNummers'>> {
  const parts = new Map<string, Pick<RequestInput, 'product' | 'ingangsdatum' | 'toewijzingNummers'>>();
  if (json.soort === '315') {
    for (const p of json.producten) {
      parts.set(p.ReferentieAanbieder, {
        ...(p.Product
          ? {
              product: {
                categorie: p.Product.Categorie,
                ...(p.Product.Code ? { code: p.Product.Code } : {}),
              },
            }
          : {}),
        ingangsdatum: p.ToewijzingIngangsdatum,
      });
    }
    return parts;
  }
  const v = json.verzoek;
  const nummers = [
    ...(v.OngewijzigdeProducten?.OngewijzigdProduct ?? []),
    ...(v.TeWijzigenProducten?.TeWijzigenProduct ?? []),
  ].map((p) => p.ToewijzingNummer);
  const dates = [
    ...(v.TeWijzigenProducten?.TeWijzigenProduct ?? []),
    ...(v.NieuweProducten?.NieuwProduct ?? []),
  ].map((p) => p.GewensteIngangsdatum);
  const earliest = dates.sort()[0];
  parts.set(v.ReferentieAanbieder, {
    ...(nummers.length ? { toewijzingNummers: nummers } : {}),
    ...(earliest ? { ingangsdatum: earliest } : {}),
  });
  return parts;
}
