import { json } from '@sveltejs/kit';
import { activate } from '$lib/server/activation/activation.service';
import { DomainError } from '$lib/server/errors';
import { apiHandler, requireAccount } from '$lib/server/http/handler';
import { auditOriginOf } from '$lib/server/http/audit-origin';
import { readSignedRequest } from '$lib/server/http/signed-request';
import type { RequestHandler } from './$types';

export const prerender = false;

/** Instant Activation: the signed-in account activates the licenses a device's signed request names. */
export const POST: RequestHandler = apiHandler(async (event) => {
	const account = requireAccount(event);
	const request = await readSignedRequest(event.request, { allowUpload: false });
	const { db, signingKeys } = event.locals.server;
	// Looked up per request (cached a few seconds): a rotation reaches every node without a restart.
	const signingKey = await signingKeys.current();
	const outcome = await activate(
		{ db, signer: signingKey, now: Date.now(), origin: auditOriginOf(event) },
		{ request, path: 'instant', account }
	);
	if (!outcome.ok) throw new DomainError(outcome.error);
	return json(outcome.response);
});
