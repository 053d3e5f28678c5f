/*
 * contract/: what two layers agree on, below both of them. For each workflow type one folder holds its
 * id function, input, signals, updates, query, the activity interface it proxies and the rules a
 * refused update names; the workflow, the activities that implement the interface (`satisfies`), the
 * inbox router that signals it and the API that calls it all import from here and never from each
 * other. Pure and deterministic: plain JSON types, Temporal's define* helpers and zod-free shape checks
 * (the workflow sandbox evaluates every module it imports per cached workflow, so no zod at runtime);
 * the zod schemas for callers sit in each folder's `schemas.ts`, which the workflow never imports.
 * May import iwmo/ and calendar/ (types and pure helpers), never workflows/, activities/, api/ or app/.
 */

export * from './request/contract';
