import { DefaultFailureConverter } from '@temporalio/common';

/*
 * Loaded by path (DataConverter.failureConverterPath): the worker bundles it into the workflow sandbox,
 * clients and the worker's activity side require it. `encodeCommonAttributes` moves a failure's message
 * and stack trace into an encoded payload, which the payload codec then encrypts: an activity's error
 * text never lies in Temporal's history in plaintext (docs/security.md). Operators read it through the
 * codec endpoint like any other payload.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
