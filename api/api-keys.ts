import { z } from 'zod';
import { agbCode, gemeenteCode } from '../iwmo/identifier-schemas';

/*
 * The API's keys as configured (API_KEYS, app/config.ts; `npm run keys` makes one): who holds each
 * bearer token and the aanbieders and gemeenten it may act for. The API owns the shape; app/ only reads
 * the environment into it.
 */

export const apiKeySchema = z.object({
  /** Who the key belongs to, for audit; not a secret. */
  id: z.string().min(1),
  /** SHA-256 (hex) of the bearer token; the token itself is never stored. */
  tokenSha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex chars (sha256 of the token)'),
  aanbieders: z.array(agbCode).default([]),
  gemeenten: z.array(gemeenteCode).default([]),
});
export type ApiKeyConfig = z.infer<typeof apiKeySchema>;

/** Start-up refuses a key that could act for nobody, and two keys with one token (or one id). */
export const apiKeyList = z.array(apiKeySchema).superRefine((keys, ctx) => {
  keys.forEach((key, i) => {
    if (key.aanbieders.length === 0 && key.gemeenten.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: [i],
        message: `key '${key.id}' has no scope: give it at least one aanbieder or gemeente`,
      });
    }
    const earlier = keys.slice(0, i);
    const sameHash = earlier.find((k) => k.tokenSha256 === key.tokenSha256);
    if (sameHash) {
      ctx.addIssue({
        code: 'custom',
        path: [i, 'tokenSha256'],
        message: `key '${key.id}' has the same token hash as key '${sameHash.id}'`,
      });
    }
    if (earlier.some((k) => k.id === key.id)) {
      ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `key id '${key.id}' is used twice` });
    }
  });
});
