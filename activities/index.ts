import type { Client } from '@temporalio/client';
import type { ContractRegistry } from '../config/contracts';
import type { AssignmentActivities, AssignmentClaimActivities } from '../contract/assignment';
import type { ClaimsBatchActivities } from '../contract/claims';
import type { MessagingActivities } from '../contract/messaging';
import type { RequestActivities } from '../contract/request/activities';
import type { Database } from '../db';
import type { Transport } from '../transport/types';
import { createClaimActivities } from './claims';
import { createClaimsBatchActivities } from './claims/batch';
import { createSettlementActivities } from './claims/settlement';
import { guardDatabase } from './db-errors';
import { createDeliveryActivities } from './delivery';
import { createEscalationActivities } from './escalation';
import type { EscalationLinks } from './escalation-payload';
import type { Inbound } from './inbound';
import { createInboxPollActivities } from './inbox-poll';
import { createMessageActivities } from './messages';
import type { MessageCodec } from './messaging/codec';
import { createProjectionActivities } from './projection';
import { createRequestActivities } from './request';
import type { WebhookEndpoint } from './webhook';

export type { EscalationLinks } from './escalation-payload';
export type { WebhookEndpoint } from './webhook';

/** Real dependencies the worker binds; tests hand in a test database. */
export interface ActivityDeps {
  db: Database;
  /** Escalation receivers (ESCALATION_WEBHOOKS); none = every escalation is recorded as 'no-endpoint'. */
  webhooks?: WebhookEndpoint[];
  /** Where escalation links point (PUBLIC_API_URL, TEMPORAL_UI_URL); unset = the embedded defaults. */
  links?: EscalationLinks;
  /** XML work off the event loop (createCodecPool); default: in the calling thread. */
  codec?: MessageCodec;
  /** The configured transport (TRANSPORT); unset = none: the poller's activities fail, naming the setting. */
  transport?: Transport;
  /** The inbound path the poller stores and routes fetched messages through. */
  inbound?: Pick<Inbound, 'receiveMessage' | 'recordUnavailable'> & Partial<Pick<Inbound, 'resumeStranded'>>;
  /** Contracts loaded at start-up (config/contracts); unset = the shipped config/ folder's, on first use. */
  contracts?: ContractRegistry;
  /** The Temporal client the sender signals delivered 305/307s to their workflows with (outboxDelivered). */
  temporal?: Pick<Client, 'workflow'>;
  /** The poller's few lines (a stranded-row sweep, a message without payload); default console.log. */
  log?: (line: string) => void;
}

const embeddedLinks: EscalationLinks = {
  apiUrl: 'http://127.0.0.1:3000',
  temporalUiUrl: 'http://127.0.0.1:8233',
  namespace: 'default',
};

/**
 * Every activity the task queue serves. Workflows proxy the interfaces of their family's contract
 * (contract/assignment, contract/messaging); `satisfies` makes a factory that drifts from them a
 * compile error (test/unit/repo/activity-contract.test.ts).
 */
export function createActivities(deps: ActivityDeps) {
  const escalation = { db: deps.db, webhooks: deps.webhooks ?? [], links: deps.links ?? embeddedLinks };
  return {
    ...createProjectionActivities(deps),
    ...createClaimActivities(deps),
    ...createClaimsBatchActivities(deps),
    ...createSettlementActivities(escalation),
    ...createEscalationActivities(escalation),
    ...createRequestActivities({ db: deps.db, escalation, ...(deps.codec ? { codec: deps.codec } : {}) }),
    ...createMessageActivities(deps),
    ...createDeliveryActivities(deps),
    // A database error in the inbound path would carry the fetched message in its text (drizzle's
    // 'params'): the poller's failures go through the same scrubbing as the assignment's activities.
    ...guardDatabase(createInboxPollActivities(deps)),
  } satisfies AssignmentActivities &
    AssignmentClaimActivities &
    ClaimsBatchActivities &
    MessagingActivities &
    RequestActivities;
}

export type Activities = ReturnType<typeof createActivities>;
