import { webcrypto } from 'node:crypto';
import { amsterdamDateOf } from '../calendar';
import { retour302Key } from '../contract/assignment';
import type { ResumeStrandedResult } from '../contract/messaging';
import { broken, type Finding, type MessageOf } from '../iwmo';
import { declaratieOnbekend, routeAntwoord325 } from './claims/route325';
import type { MessageCodec } from './messaging/codec';
import { checkEncoding } from './messaging/encoding';
import {
  claimStranded,
  claimUnfinished,
  createClaimKeeper,
  finishInbound,
  type InboxResult,
  type InboxRow,
  identificatieTaken,
  releaseClaim,
  staleClaimMs,
  storeInbound,
} from './messaging/inbox';
import type { Inspection } from './messaging/inspect';
import { answerStored } from './messaging/outbox';
import {
  type InboundMessage,
  type InboundOutcome,
  InboundRetryableError,
  InboundStoreError,
  type Stored,
  type StoredFinding,
  storedFinding,
} from './messaging/outcome';
import type { Predecoded } from './messaging/predecode';
import { type RouteDeps, routeRetour, routeToewijzing } from './messaging/route';
import { sniffHeaderBytes } from './messaging/sniff';
import { recordUnavailable, type UnavailableMessage } from './messaging/unavailable';
import { isRequestAnswer, routeRequestAnswer } from './request/inbound';
import { routeHonoured } from './request/route';

/*
 * The inbound path, shared by the API (POST /v1/messages) and the transport poller: store the message
 * first (it is never lost), recognise a re-delivery and answer it with the earlier outcome, decode it
 * off the event loop, then route it — a 301 to one assignment workflow per toewijzing, a 306/308 to the
 * workflow of the 305/307 it answers. A message that breaks a rule is kept as rejected with its findings
 * and, for a 301 with level 2 findings, answered with a 302 (0001) in the outbox. XSD-invalid messages
 * get no retour (the transport refuses them). Bytes that are not UTF-8 text are kept as they came and
 * rejected (PAYLOAD-ENCODING) before anything reads them as text. A 301 whose Identificatie this sender
 * used before for other content is answered with a 302 with 9056 (TR056) and routed nowhere. Rows whose
 * processing was cut off (a crash between store and route) are finished by `resumeStranded`.
 */

export {
  type InboundMessage,
  type InboundOutcome,
  InboundRetryableError,
  InboundStoreError,
  type StoredFinding,
} from './messaging/outcome';

export interface InboundDeps extends RouteDeps {
  codec: MessageCodec;
  /** Today in Europe/Amsterdam (ontvangen, TR135, the 302's dagtekening); default from the clock. */
  today?: () => string;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // webcrypto digests on libuv's thread pool: hashing 25 MB does not block the event loop.
  const digest = await webcrypto.subtle.digest('SHA-256', bytes);
  return Buffer.from(digest).toString('hex');
}

function routedToOf(outcome: Pick<Stored, 'toewijzingen' | 'retour' | 'declaratie' | 'requests'>): string {
  if (outcome.retour) return outcome.retour.workflowId;
  if (outcome.declaratie) return outcome.declaratie.workflowId;
  // A 301 that honours a request goes to its assignments and to the request (activities/request/).
  return [...outcome.toewijzingen.map((t) => t.workflowId), ...(outcome.requests ?? [])].join(',');
}

function answerEarlier(row: InboxRow): InboundOutcome {
  if (row.outcome) return { messageId: row.id, duplicate: true, ...(row.outcome as Stored) };
  return {
    messageId: row.id,
    duplicate: true,
    status: 'received',
    messageType: row.messageType,
    findings: [],
    toewijzingen: [],
    note: 'being processed',
  };
}

export interface ResumeStrandedInput {
  /** Rows whose claim is older than this are taken over; default: `staleClaimMs` ago. */
  claimedBefore?: Date;
  /** Rows per call at most; default 50. */
  limit?: number;
}

/**
 * For the fault test only (test/integration/inbox-stranded.test.ts): with this variable set to '1' the
 * inbound path stops for good right after a new row is stored, so the test can kill the process between
 * store and route. Never set it in a deployment.
 */
const testOnlyStallAfterStore = 'IWMO_TEST_ONLY_STALL_AFTER_STORE';

export function createInbound(deps: InboundDeps) {
  const today = deps.today ?? (() => amsterdamDateOf(new Date()));
  // Renews this process's claims while it works on them: they die with the process (messaging/inbox.ts).
  const claims = createClaimKeeper(deps.db);
  async function holding<T>(id: string, work: () => Promise<T>): Promise<T> {
    claims.hold(id);
    try {
      return await work();
    } finally {
      claims.drop(id);
    }
  }

  async function finish(row: InboxRow, result: Omit<InboxResult, 'outcome'>, stored: Stored) {
    await finishInbound(deps.db, row.id, { ...result, outcome: stored });
    return { messageId: row.id, duplicate: false, ...stored };
  }

  interface Rejection {
    messageType: string | null;
    identificatie: string | null;
    findings: StoredFinding[];
    /** Rule findings of a 301 to answer with a 302 (level 2: 0001 header only). */
    answerWith?: Finding[];
    note?: string;
  }

  /** Rejected: the row keeps its findings; a 301 with rule findings gets its 302 in the outbox. */
  async function reject(row: InboxRow, r: Rejection) {
    const answer = r.answerWith?.length ? await answerWithRetour(row, r.answerWith) : undefined;
    const stored: Stored = {
      status: 'rejected',
      messageType: r.messageType,
      findings: r.findings,
      toewijzingen: [],
      ...(answer ? { answer } : {}),
      ...(r.note ? { note: r.note } : {}),
    };
    const { messageType, identificatie, findings } = r;
    const { afzender, ontvanger } = row;
    const result = { status: 'rejected' as const, messageType, afzender, ontvanger, identificatie, findings };
    return finish(row, { ...result, routedTo: null }, stored);
  }

  function answerWithRetour(row: InboxRow, findings: Finding[]): Promise<InboundOutcome['answer']> {
    return answerStored(deps, row, findings, {
      key: retour302Key(row.id),
      sequence: '302',
      dagtekening: today(),
    });
  }

  type Decoded = Inspection & { ok: true };

  /** The row's columns once the header is read; status and routedTo per outcome. */
  function headerColumns({ header, type }: Decoded) {
    const { afzender, ontvanger, identificatie } = header;
    return { messageType: type, afzender, ontvanger, identificatie, findings: null };
  }

  function accepted(row: InboxRow, d: Decoded, outcome: Omit<Stored, 'messageType' | 'findings'>) {
    const routedTo = outcome.status === 'routed' ? routedToOf(outcome) : null;
    const stored: Stored = { ...outcome, messageType: d.type, findings: [] };
    return finish(row, { ...headerColumns(d), status: outcome.status, routedTo }, stored);
  }

  async function routeToewijzingen(
    row: InboxRow,
    d: Decoded,
    toewijzing: NonNullable<Decoded['toewijzing']>,
  ) {
    const { afzender, identificatie } = d.header;
    if (await identificatieTaken(deps.db, { id: row.id, afzender, messageType: d.type, identificatie })) {
      // TR056: a second 301 under a used Identificatie is not a new version; nothing reaches a workflow.
      const finding = broken('TR056', '/Bericht/Header/BerichtIdentificatie/Identificatie');
      const findings = [storedFinding(finding)];
      return reject(row, { messageType: d.type, identificatie, findings, answerWith: [finding] });
    }
    const message = { messageId: row.id, header: d.header, ...toewijzing, ontvangen: today() };
    const toewijzingen = await routeToewijzing(deps, message);
    const assignments = new Map(toewijzingen.map((t) => [t.toewijzingNummer, t.workflowId]));
    const requests = await routeHonoured(deps, message, assignments);
    return accepted(row, d, { status: 'routed', toewijzingen, ...(requests.length ? { requests } : {}) });
  }

  async function routeRetourMessage(row: InboxRow, d: Decoded, type: 'WMO306' | 'WMO308', codes: string[]) {
    const { header } = d;
    const message = { messageId: row.id, type, header, retourCodes: codes, ontvangen: today() };
    const routed = await routeRetour(deps, message);
    if (routed.found) {
      const { workflowId, heenType } = routed;
      const retour = { workflowId, heenType, heenIdentificatie: header.identificatie, retourCodes: codes };
      return accepted(row, d, { status: 'routed', toewijzingen: [], retour });
    }
    if (routed.reason === 'workflow-closed') {
      const note = `workflow ${routed.workflowId} is closed; stored, not routed`;
      return accepted(row, d, { status: 'received', toewijzingen: [], note });
    }
    const finding: StoredFinding = {
      rule: 'RETOUR-ONBEKEND',
      path: '/Bericht/Header/BerichtIdentificatie/Identificatie',
      message: `Geen verzonden ${routed.heenType} met deze Identificatie van deze afzender`,
      hint: `Check that the retour answers a ${routed.heenType} this service sent (its Identificatie and Afzender).`,
    };
    return reject(row, { messageType: type, identificatie: header.identificatie, findings: [finding] });
  }

  async function routeAntwoord(row: InboxRow, d: Decoded, message: MessageOf<'WMO325'>) {
    const routed = await routeAntwoord325(deps, { messageId: row.id, message, ontvangen: today() });
    const { identificatie } = d.header;
    if (routed.found) {
      const declaratie = {
        workflowId: routed.workflowId,
        declaratieIdentificatie: routed.declaratieIdentificatie,
      };
      return accepted(row, d, { status: 'routed', toewijzingen: [], declaratie });
    }
    if (routed.reason === 'batch-closed') {
      const note = `claims batch ${routed.workflowId} has ended; stored, not routed`;
      return accepted(row, d, { status: 'received', toewijzingen: [], note });
    }
    const finding = declaratieOnbekend(routed.declaratieIdentificatie);
    return reject(row, { messageType: d.type, identificatie, findings: [finding], note: finding.message });
  }

  function route(row: InboxRow, d: Decoded): Promise<InboundOutcome> {
    if (d.toewijzing) return routeToewijzingen(row, d, d.toewijzing);
    if (d.declaratieAntwoord) return routeAntwoord(row, d, d.declaratieAntwoord);
    if (d.retour && (d.type === 'WMO306' || d.type === 'WMO308'))
      return routeRetourMessage(row, d, d.type, d.retour.retourCodes);
    if (isRequestAnswer(d)) return routeRequestAnswer(deps, row, d, today()).then((o) => accepted(row, d, o));
    return accepted(row, d, { status: 'received', toewijzingen: [], note: 'not routed yet' });
  }

  /** Decodes, checks and routes a stored row; `inspected`: the row's text decoded already (predecode.ts). */
  async function handle(row: InboxRow, inspected?: Predecoded['inspected']): Promise<InboundOutcome> {
    if (row.rawPayload) {
      const checked = checkEncoding(row.rawPayload);
      if (!checked.ok)
        return reject(row, { messageType: null, identificatie: null, findings: [checked.finding] });
    }
    const day = today();
    const inspection =
      inspected?.today === day ? inspected.inspection : await deps.codec.inspect(row.payload, day);
    if (!inspection.ok) {
      // Only an XSD-level failure passed detection, so only then is the sniffed type the real one.
      const messageType = inspection.kind === 'schema' ? row.messageType : null;
      const findings = inspection.findings.map(storedFinding);
      return reject(row, { messageType, identificatie: null, findings });
    }
    const { header, type } = inspection;
    const identificatie = header.identificatie;
    if (header.afzender !== row.afzender || header.ontvanger !== row.ontvanger) {
      // The row (and the API caller) was scoped by the sniffed header; it must be the real one.
      const finding: StoredFinding = {
        rule: 'HEADER-ONDUIDELIJK',
        path: '/Bericht/Header',
        message: 'Afzender en Ontvanger in de header zijn niet eenduidig te lezen',
        hint: 'Write Afzender and Ontvanger as plain digits, without comments, CDATA or character references.',
      };
      return reject(row, { messageType: type, identificatie, findings: [finding] });
    }
    if (inspection.findings.length) {
      const findings = inspection.findings.map(storedFinding);
      const answerWith = type === 'WMO301' ? inspection.findings : undefined;
      return reject(row, {
        messageType: type,
        identificatie,
        findings,
        ...(answerWith ? { answerWith } : {}),
      });
    }
    return route(row, inspection);
  }

  return {
    /** A fetched message without a payload: stored as rejected (PAYLOAD-UNAVAILABLE), never dropped. */
    recordUnavailable: (message: UnavailableMessage) => recordUnavailable(deps.db, message),
    /**
     * Stores, decodes and routes one message; answers a re-delivery with the earlier outcome. Throws
     * InboundRetryableError when something outside the message failed (the row stays 'received').
     * `predecoded`: what the poller already read of these bytes (messaging/predecode.ts), not read again.
     */
    async receiveMessage(message: InboundMessage, predecoded?: Predecoded): Promise<InboundOutcome> {
      const bytes =
        typeof message.payload === 'string' ? Buffer.from(message.payload, 'utf8') : message.payload;
      const ahead = predecoded?.of === bytes ? predecoded : undefined;
      // Encoding first: text PostgreSQL refuses (U+0000) or that is not the bytes sent is never made.
      const checked = ahead?.checked ?? checkEncoding(bytes);
      const sniffed = ahead?.sniffed ?? sniffHeaderBytes(bytes);
      const stored = storeInbound(deps.db, {
        payload: checked.ok ? checked.text : '',
        rawPayload: checked.ok && checked.exact ? null : Buffer.from(bytes),
        payloadSha256: await sha256Hex(bytes),
        sizeBytes: bytes.byteLength,
        transport: message.transport,
        traceerId: message.traceerId ?? null,
        conversatieId: message.conversatieId ?? null,
        alsAntwoordOp: message.alsAntwoordOp ?? null,
        submittedBy: message.submittedBy ?? null,
        afzender: sniffed.afzender ?? null,
        ontvanger: sniffed.ontvanger ?? null,
        messageType: sniffed.messageType ?? null,
      });
      // A failed insert's error quotes its parameters, the payload among them: never let it travel on.
      const { row, created } = await stored.catch((err: unknown) => {
        throw new InboundStoreError(err);
      });
      if (created && process.env[testOnlyStallAfterStore] === '1') await new Promise<never>(() => {});
      if (!created && !(await claimUnfinished(deps.db, row.id))) return answerEarlier(row);
      try {
        // A row stored before holds the bytes of its first delivery: decoded from the row, not from these.
        const outcome = await holding(row.id, () => handle(row, created ? ahead?.inspected : undefined));
        return created ? outcome : { ...outcome, duplicate: true };
      } catch (err) {
        await releaseClaim(deps.db, row.id).catch(() => undefined);
        throw new InboundRetryableError(row.id, err);
      }
    },
    /**
     * Finishes rows that were stored but never routed, however they came (API or transport): the process
     * died between store and route, or routing failed and nobody sent the message again. At start-up and
     * once per poll round. Idempotent: a row is claimed before it is handled, and a routed 301 is a
     * signal-with-start the workflow recognises by its message id.
     */
    async resumeStranded(input: ResumeStrandedInput = {}): Promise<ResumeStrandedResult> {
      const claimedBefore = input.claimedBefore ?? new Date(Date.now() - staleClaimMs);
      const rows = await claimStranded(deps.db, claimedBefore, input.limit ?? 50);
      const result: ResumeStrandedResult = { resumed: 0, failed: 0 };
      for (const row of rows) {
        try {
          await holding(row.id, () => handle(row));
          result.resumed++;
        } catch {
          await releaseClaim(deps.db, row.id).catch(() => undefined);
          result.failed++;
        }
      }
      return result;
    },
  };
}

export type Inbound = ReturnType<typeof createInbound>;
