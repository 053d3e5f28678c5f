import { sleep } from '@temporalio/workflow';
import type { RequestInput, RequestResult } from '../../../contract/request/contract';
import { requestWorkflow as current } from '../../../workflows/request/workflow';

/*
 * A deliberately non-deterministic change, bundled only by test/workflow/request-replay.test.ts: the
 * request workflow under its own type name, with a timer before anything else. Every recorded request
 * history starts by sending the 315 instead, so replaying one against this must fail.
 */
export async function requestWorkflow(input: RequestInput): Promise<RequestResult> {
  await sleep('1 minute');
  return current(input);
}
