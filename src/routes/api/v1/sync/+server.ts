import { json } from '@sveltejs/kit';
import type { SyncResponseWithTime } from '$lib/protocol/api';
import { signServerTime } from '$lib/protocol/server-time';
import { applySyncBatch, syncBatchSchema } from '$lib/server/sync/sync.service';
import { readJson } from '$lib/server/http/body';
import { apiHandler } from '$lib/server/http/handler';
import { auditOriginOf } from '$lib/server/http/audit-origin';
import type { RequestHandler } from './$types';

export const prerender = false;

/** 200 operations of at most a reg.txt each, with room for JSON framing. */
const SYNC_BODY_LIMIT = 4 * 1024 * 1024;

/** A batch of queued operations, each applied at most once, with a result per operation. */
export const POST: RequestHandler = apiHandler(async (event) => {
	const { operations, timeNonce } = await readJson(event.request, syncBatchSchema, SYNC_BODY_LIMIT);
	const { db, signingKeys } = event.locals.server;
	// Looked up per request (cached a few seconds): a rotation reaches every node without a restart.
	const signingKey = await signingKeys.current();
	const now = Date.now();
	const results = await applySyncBatch(
		{ db, signer: signingKey, now, origin: auditOriginOf(event) },
		operations,
		event.locals.account,
		{ address: event.getClientAddress() }
	);
	// Signed after the batch ran, so the statement is never earlier than anything the batch issued;
	// bound to the client's nonce when it sent one (T2), so it knows the time is current.
	const signedAt = Date.now();
	return json({
		results,
		serverTime: now,
		signedTime: await signServerTime(signedAt, signingKey, timeNonce ?? null)
	} satisfies SyncResponseWithTime);
});
