// The API's fixed numbers, apart from its zod schemas (api.ts) so that code needing only a number
// (the outbox's batch size, the sealed authorization's length) does not load zod with it.

export const API_PREFIX = '/api/v1';

export const MAX_SYNC_BATCH = 200;

/** The longest sealed authorization text (sealed-authorization.ts keeps to it). */
export const MAX_SEALED_CHARS = 2_000;
