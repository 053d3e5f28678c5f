import { randomUUID } from 'node:crypto';
import { amsterdamDateOf } from '../calendar';
import {
  type Beoordeling,
  buildDeclaratieAntwoord,
  buildRetour,
  decode,
  encode,
  type Finding,
  type IwmoMessage,
  type MessageOf,
  makeIdentificatie,
  type RetourCode,
} from '../iwmo';
import { placeholderBerichtstroom } from '../transport/berichtstroom';
import {
  build301Honouring,
  build319,
  clientFrom315,
  latestClient,
  type Verzoek,
  type VerzoekPart,
  verzoekFindings,
  verzoekParts,
} from './requests';
import type { DeclaratieAnswer, Misbehaviour, RequestAnswer, Scenario } from './scenario';
import type { MailboxStore, SimMessage } from './store';

/*
 * The gemeente the simulator plays. It downloads every message pushed to it at once (status Bezorgd,
 * which is how the sender sees the download), or, with misbehaviour holdDownloads, only when told to
 * (downloadHeld; WordtAangeboden until then). After the scenario's delay it answers a heen message in the
 * sender's mailbox:
 *   305 → 306, 307 → 308 (approved, or the scenario's retour codes on every Start/StopProduct), linked by
 *   conversatieId and alsAntwoordOp; a 305/307 with rule findings gets the 0001 retour the standard
 *   prescribes, whatever the scenario says;
 *   323 → 325 (buildDeclaratieAntwoord), in a conversation of its own: VECOZO does not link them; the
 *   scenario awards all lines, rejects all or every n-th with its codes, answers after its own (late)
 *   delay, or sends a 325 whose total does not match the 323;
 *   315 → 316, 317 → 318 (approved, or the scenario's retour codes on the first n requests), then per
 *   requested product (one per 317) after its own delay: a 301 honouring it (requests.ts), a 319
 *   rejecting it, a 319 "in onderzoek" followed later by either, or nothing. The 301 and 319 are heen
 *   messages in a conversation of their own (their retours 302/320 link to them).
 * A payload that does not decode is AfgekeurdDoorDienst with a melding. 302s (and other retours) are
 * taken without answer. Logs name types, ids and codes only.
 */

/** Toewijzingstijd (HH:MM:SS) in Amsterdam. */
export const amsterdamTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Amsterdam',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

export interface GemeenteDeps {
  store: MailboxStore;
  scenario: () => Scenario;
  misbehaviour: Misbehaviour;
  now: () => Date;
  log: (line: string) => void;
  /** Puts a message for the aanbieder into its mailbox (applies duplicate delivery). */
  deliver: (message: Parameters<MailboxStore['add']>[0]) => void;
  /** The next number of a sequence per message number (kept across restarts with a data folder). */
  next?: (sequence: string) => number;
}

type Heen = MessageOf<'WMO305'> | MessageOf<'WMO307'> | MessageOf<'WMO323'>;

const productPath = {
  WMO305: (i: number) => `/Bericht/Client/StartProducten/StartProduct[${i + 1}]`,
  WMO307: (i: number) => `/Bericht/Client/StopProducten/StopProduct[${i + 1}]`,
};

function scenarioFindings(heen: MessageOf<'WMO305'> | MessageOf<'WMO307'>, codes: RetourCode[]): Finding[] {
  const products =
    heen.type === 'WMO305'
      ? heen.bericht.Client.StartProducten.StartProduct
      : heen.bericht.Client.StopProducten.StopProduct;
  return products.flatMap((_, i) =>
    codes.map((code) => ({
      rule: 'SIMULATOR',
      retourCode: code,
      path: productPath[heen.type](i),
      message: `Afgewezen door de simulator (${code})`,
      hint: 'The scenario rejects this message.',
    })),
  );
}

/** Which lines of the 323 the scenario rejects, and with which codes. */
function beoordeling(
  decl: MessageOf<'WMO323'>,
  answer: DeclaratieAnswer,
  findings: Finding[],
  rejectedBefore: Set<string>,
): Beoordeling {
  if (findings.length) return { findings };
  if (answer.decision !== 'reject' && answer.decision !== 'reject-some') return {};
  const every = answer.decision === 'reject-some' ? answer.every : 1;
  const awardResubmissions = answer.decision === 'reject-some' && answer.resubmissions === 'award';
  const prestaties = new Map<string, RetourCode[]>();
  const rejectedNow: string[] = [];
  let n = 0;
  for (const client of decl.bericht.Declaratie.Clienten.Client) {
    for (const p of client.Prestaties.Prestatie) {
      // What a line claims: its toewijzing in its month (a resubmission has a new ReferentieNummer, TR314).
      const claim = `${p.ToewijzingNummer}:${p.ProductPeriode.Begindatum.slice(0, 7)}`;
      if (awardResubmissions && rejectedBefore.has(claim)) continue;
      if (++n % every !== 0) continue;
      prestaties.set(p.ProductReferentie.ReferentieNummer, answer.retourCodes);
      rejectedNow.push(claim);
    }
  }
  for (const claim of rejectedNow) rejectedBefore.add(claim);
  return { prestaties };
}

/** A 325 that does not match its 323 (TR366): its TotaalIngediendBedrag is a cent off. */
function mismatched(antwoord: MessageOf<'WMO325'>): MessageOf<'WMO325'> {
  const da = antwoord.bericht.DeclaratieAntwoord;
  if (!da) return antwoord;
  const totaal = { ...da.TotaalIngediendBedrag, TotaalBedrag: da.TotaalIngediendBedrag.TotaalBedrag + 1 };
  return {
    ...antwoord,
    bericht: { ...antwoord.bericht, DeclaratieAntwoord: { ...da, TotaalIngediendBedrag: totaal } },
  };
}

export function createGemeente(deps: GemeenteDeps) {
  const timers = new Set<NodeJS.Timeout>();
  let sequence = 0;
  const next = deps.next ?? (() => ++sequence);
  const nextId = (nr: string) => makeIdentificatie(nr, next(nr));
  const today = () => amsterdamDateOf(deps.now());
  /** (toewijzing, month) of every line a 325 rejected: a scenario may award their resubmission. */
  const rejectedBefore = new Set<string>();
  /** A 323's answer may have its own delay (a late 325); the rest answer after the scenario's. */
  const delayOf = (type: Heen['type']) => {
    const answers = deps.scenario().answers;
    const own = type === 'WMO323' && 'delayMs' in answers.WMO323 ? answers.WMO323.delayMs : undefined;
    return own ?? answers.delayMs;
  };

  function answerOf(heen: Heen, findings: Finding[]): IwmoMessage | undefined {
    if (heen.type === 'WMO323') {
      const answer = deps.scenario().answers.WMO323;
      const meta = { identificatie: nextId('325'), dagtekening: today() };
      const built = buildDeclaratieAntwoord(heen, beoordeling(heen, answer, findings, rejectedBefore), meta);
      return answer.decision === 'mismatch' && !findings.length ? mismatched(built) : built;
    }
    const answer = deps.scenario().answers[heen.type];
    const codes = findings.length
      ? findings
      : answer.decision === 'reject'
        ? scenarioFindings(heen, answer.retourCodes)
        : [];
    const nr = heen.type === 'WMO305' ? '306' : '308';
    const built = buildRetour(heen, codes, { identificatie: nextId(nr), dagtekening: today() });
    return built.ok ? built.retour : undefined;
  }

  function deliverAnswer(heen: SimMessage, answer: IwmoMessage, linked = answer.type !== 'WMO325'): void {
    const encoded = encode(answer, { rules: 'report' });
    if (!encoded.ok) {
      deps.log(`could not encode the ${answer.type} for ${heen.traceerId}: ${encoded.findings[0]?.rule}`);
      return;
    }
    if (deps.misbehaviour.dropRetour > 0) {
      deps.misbehaviour.dropRetour--;
      deps.log(`dropped the ${answer.type} for ${heen.traceerId} (misbehaviour)`);
      return;
    }
    const traceerId = randomUUID();
    deps.deliver({
      traceerId,
      // 323/325 are not linked by VECOZO: the 325 starts its own conversation (as do a 301/319).
      conversatieId: linked ? heen.conversatieId : traceerId,
      ...(linked ? { alsAntwoordOp: heen.traceerId } : {}),
      afzender: heen.geadresseerde,
      geadresseerde: heen.afzender,
      berichtstroom: placeholderBerichtstroom(answer.type),
      payload: Buffer.from(encoded.xml, 'utf8'),
      mailbox: heen.afzender.code as string,
      status: 'WordtAangeboden',
    });
    deps.log(`answered ${heen.traceerId} with ${answer.type} ${traceerId}`);
  }

  function download(message: SimMessage): void {
    const decoded = decode(message.payload.toString('utf8'), { today: today() });
    if (!decoded.ok) {
      const melding = {
        code: 'StUF055',
        omschrijving: 'Bericht voldoet niet aan het XSD',
        toelichting: decoded.error.rule,
      };
      deps.store.setStatus(message.traceerId, 'AfgekeurdDoorDienst', [melding]);
      deps.log(`rejected ${message.traceerId}: ${decoded.error.kind} ${decoded.error.rule}`);
      return;
    }
    deps.store.setStatus(message.traceerId, 'Bezorgd');
    const heen = decoded.value.message;
    if (heen.type === 'WMO315' || heen.type === 'WMO317') {
      answerRequest(message, heen, decoded.value.findings);
      return;
    }
    if (heen.type !== 'WMO305' && heen.type !== 'WMO307' && heen.type !== 'WMO323') {
      deps.log(`took ${heen.type} ${message.traceerId}`);
      return;
    }
    if (deps.scenario().answers[heen.type].decision === 'never') {
      deps.log(`took ${heen.type} ${message.traceerId}; the scenario never answers it`);
      return;
    }
    const answer = answerOf(heen, decoded.value.findings);
    if (!answer) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      deliverAnswer(message, answer);
    }, delayOf(heen.type));
    timers.add(timer);
  }

  function later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      try {
        run();
      } catch (err) {
        deps.log(`failed on a delayed answer: ${(err as Error).name}`);
      }
    }, ms);
    timers.add(timer);
  }

  const meta = (nr: string) => ({
    gemeente: deps.scenario().gemeente,
    aanbieder: deps.scenario().aanbieder,
    identificatie: nextId(nr),
    dagtekening: today(),
    tijd: amsterdamTime.format(deps.now()),
  });

  /** The 301 honouring these parts, built when it is sent (so it sees the 301s issued until then). */
  function honour(message: SimMessage, heen: Verzoek, parts: VerzoekPart[]): void {
    const m = meta('301');
    const bsn = heen.bericht.Client.Bsn;
    const known = latestClient(deps.store.all(), m, bsn);
    const client = known?.client ?? (heen.type === 'WMO315' ? clientFrom315(heen) : undefined);
    if (!client) {
      deps.log(`cannot honour the 317 in ${message.traceerId}: the simulator never assigned this client`);
      return;
    }
    const nummer = () => deps.scenario().toewijzingen.firstNummer + 500_000 + next('toewijzing-verzoek');
    const toewijzing = build301Honouring(heen, parts, client, {
      meta: m,
      current: known?.current ?? new Map(),
      nummer,
    });
    deliverAnswer(message, toewijzing, false);
  }

  /** A 319: rejected with its reason, or (no reason) in onderzoek. */
  function answer319(message: SimMessage, referentie: string, reden?: string): void {
    deliverAnswer(message, build319(meta('319'), referentie, reden), false);
  }

  /** The 316/318, then the content answers the scenario gives each part. */
  function answerRequest(message: SimMessage, heen: Verzoek, findings: Finding[]): void {
    const answer = deps.scenario().answers[heen.type];
    const delay = deps.scenario().answers.delayMs;
    const rejects = !findings.length && answer.retour && next(`${heen.type}-retour`) <= answer.retour.times;
    const codes = findings.length
      ? findings
      : rejects && answer.retour
        ? verzoekFindings(heen, answer.retour.retourCodes)
        : [];
    const nr = heen.type === 'WMO315' ? '316' : '318';
    const retour = buildRetour(heen, codes, { identificatie: nextId(nr), dagtekening: today() });
    // Each step waits from the one before (every wait within setTimeout's limit): the 316/318, then the
    // content answers; with retour codes the request counts as never sent and the provider resends it.
    later(delay, () => {
      if (retour.ok) deliverAnswer(message, retour.retour);
      if (!codes.length) later(answer.answerDelayMs ?? delay, () => contentAnswers(message, heen, answer));
    });
  }

  function contentAnswers(message: SimMessage, heen: Verzoek, answer: RequestAnswer): void {
    const parts = verzoekParts(heen, answer);
    const honoured = parts.filter((p) => p.decision.decision === 'honour');
    if (honoured.length) honour(message, heen, honoured);
    for (const part of parts) {
      const d = part.decision;
      if (d.decision === 'reject') answer319(message, part.referentie, d.reden);
      if (d.decision !== 'in-onderzoek') continue;
      answer319(message, part.referentie);
      const outcome = d.outcome;
      later(d.laterMs, () =>
        outcome.decision === 'honour'
          ? honour(message, heen, [part])
          : answer319(message, part.referentie, outcome.reden),
      );
    }
  }

  function safely(message: SimMessage): void {
    try {
      download(message);
    } catch (err) {
      deps.log(`failed on ${message.traceerId}: ${(err as Error).name}`);
    }
  }

  const held: SimMessage[] = [];

  return {
    /** A message pushed to this gemeente; downloaded after the push was answered, or held. */
    receive(message: SimMessage): void {
      if (deps.misbehaviour.holdDownloads) {
        deps.store.setStatus(message.traceerId, 'WordtAangeboden');
        held.push(message);
        deps.log(`holding ${message.traceerId} (misbehaviour)`);
        return;
      }
      setImmediate(() => safely(message));
    },
    /** Downloads the held messages now, oldest first; returns their traceerIds. */
    downloadHeld(): string[] {
      const now = held.splice(0);
      for (const message of now) safely(message);
      return now.map((m) => m.traceerId);
    },
    /** Answers not yet delivered. */
    get pending() {
      return timers.size;
    },
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}

export type Gemeente = ReturnType<typeof createGemeente>;
