import { ApplicationFailure } from '@temporalio/workflow';
import {
  eventRefusedType,
  type RefusalDetails,
  type RefusalRule,
  refusalRules,
} from '../../contract/assignment';

/*
 * Throws a lifecycle event's refusal by the standard's rule (the rules and their class are in
 * contract/assignment/refusals.ts). Thrown from an update validator: the caller hears the rule at once
 * and the event never enters history.
 */
export function refuse(rule: RefusalRule, detail?: string): never {
  const { retourCode, text } = refusalRules[rule];
  const details: RefusalDetails = { rule, retourCode, class: refusalRules[rule].class };
  throw ApplicationFailure.create({
    type: eventRefusedType,
    message: `${rule}: ${text}${detail ? ` (${detail})` : ''}`,
    details: [details],
    nonRetryable: true,
  });
}
