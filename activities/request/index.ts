import { sql } from 'drizzle-orm';
import type {
  RequestActivities,
  RequestEscalationInput,
  RequestProjection,
} from '../../contract/request/activities';
import { type Database, requests } from '../../db';
import { guardDatabase } from '../db-errors';
import type { EscalationDeps } from '../escalation';
import { createEscalationActivities } from '../escalation';
import { inlineCodec, type MessageCodec } from '../messaging/codec';
import { sendRequestMessage } from './send';

/*
 * The request workflow's activities (contract/request/activities.ts): send (./send.ts), escalate through
 * the same escalation rows and signed webhooks as an assignment's, and the `requests` read model.
 */

export interface RequestActivityDeps {
  db: Database;
  codec?: MessageCodec;
  escalation: EscalationDeps;
}

export function createRequestActivities(deps: RequestActivityDeps) {
  const { db } = deps;
  const codec = deps.codec ?? inlineCodec;
  const escalations = createEscalationActivities(deps.escalation);
  return guardDatabase({
    sendRequestMessage: (input) => sendRequestMessage(db, codec, input),

    /**
     * A request has no toewijzing yet: the escalation row carries ToewijzingNummer 0, and its workflow id
     * (verzoek:…) and action say which request and which answer is late.
     */
    async escalateRequest(input: RequestEscalationInput) {
      const { referentieAanbieder: _ref, ...rest } = input;
      return escalations.escalate({ ...rest, toewijzingNummer: 0 });
    },

    /** Upsert by workflow id; an older revision never overwrites a newer one. */
    async recordRequest(row: RequestProjection): Promise<void> {
      const values = { ...row, nextDeadline: row.nextDeadline ?? null, updatedAt: new Date() };
      await db
        .insert(requests)
        .values(values)
        .onConflictDoUpdate({
          target: requests.workflowId,
          set: values,
          setWhere: sql`${requests.revision} <= excluded.revision`,
        });
    },
  } satisfies RequestActivities);
}
