import { describe, expectTypeOf, it } from 'vitest';
import type { createActivities } from '../../../activities';
import type { createDeliveryActivities } from '../../../activities/delivery';
import type { createInboxPollActivities } from '../../../activities/inbox-poll';
import type {
  AssignmentActivities,
  AssignmentClaimActivities,
  SendMessageInput,
  SendMessageResult,
} from '../../../contract/assignment';
import type { ClaimsBatchActivities } from '../../../contract/claims';
import type {
  DeliveryActivities,
  InboxPollActivities,
  MessagingActivities,
} from '../../../contract/messaging';
import type { RequestActivities } from '../../../contract/request/activities';

/*
 * The worker registers what createActivities returns; the workflows proxy the interfaces of their
 * contract. These checks run in `npm run typecheck` (tsc covers test/): the factories `satisfies` the
 * interfaces, and a factory that drifts from them does not compile — each `@ts-expect-error` below fails
 * the typecheck the day the wrong factory is accepted.
 */

const sendResult: SendMessageResult = { outboxId: 'o-1', identificatie: '305000000001', duplicate: false };

describe('the activity factories against the contract', () => {
  it('createActivities provides every activity of the assignment and the poller', () => {
    expectTypeOf<ReturnType<typeof createActivities>>().toExtend<AssignmentActivities>();
    expectTypeOf<ReturnType<typeof createActivities>>().toExtend<MessagingActivities>();
    expectTypeOf<ReturnType<typeof createInboxPollActivities>>().toExtend<InboxPollActivities>();
    expectTypeOf<ReturnType<typeof createDeliveryActivities>>().toExtend<DeliveryActivities>();
  });

  it('createActivities provides the claim activities the assignment and the claims batch proxy', () => {
    // The assignment proxies these under 'claim-lines' and the batch its own: a worker without them
    // would fail every claim at run time (ActivityNotRegistered), not at compile time.
    expectTypeOf<ReturnType<typeof createActivities>>().toExtend<AssignmentClaimActivities>();
    expectTypeOf<ReturnType<typeof createActivities>>().toExtend<ClaimsBatchActivities>();
    expectTypeOf<ReturnType<typeof createActivities>>().toExtend<RequestActivities>();
  });

  it('a factory whose result lacks a field of the contract is a compile error', () => {
    const { duplicate: _, ...withoutDuplicate } = sendResult;
    const drifted = () => ({ sendMessage: async (_input: SendMessageInput) => withoutDuplicate });
    // @ts-expect-error SendMessageResult needs `duplicate`: the factory does not satisfy the contract
    drifted() satisfies Pick<AssignmentActivities, 'sendMessage'>;
    expectTypeOf(drifted()).not.toExtend<Pick<AssignmentActivities, 'sendMessage'>>();
  });

  it('a factory that takes a narrower input than the contract sends is a compile error', () => {
    const narrower = () => ({
      sendMessage: async (input: SendMessageInput & { message: { type: 'WMO302' } }) =>
        input.message.type === 'WMO302' ? sendResult : sendResult,
    });
    // @ts-expect-error the workflow also sends 305/307: a sendMessage for 302s only does not satisfy it
    narrower() satisfies Pick<AssignmentActivities, 'sendMessage'>;
    expectTypeOf(narrower()).not.toExtend<Pick<AssignmentActivities, 'sendMessage'>>();
  });

  it('a factory missing an activity is a compile error', () => {
    const missing = () => ({ pendingOutboxLanes: async (_input: { limit: number }) => [] as string[][] });
    // @ts-expect-error deliverMessage is missing
    missing() satisfies DeliveryActivities;
    expectTypeOf(missing()).not.toExtend<DeliveryActivities>();
  });
});
