import { json } from '@sveltejs/kit';
import { refresh } from '$lib/server/activation/activation.service';
import { DomainError } from '$lib/server/errors';
import { apiHandler } from '$lib/server/http/handler';
import { readSignedRequest } from '$lib/server/http/signed-request';
import type { RequestHandler } from './$types';

export const prerender = false;

/** Refresh: signed by the device, no sign-in needed — it only re-issues what the device holds. */
export const POST: RequestHandler = apiHandler(async (event) => {
	const request = await readSignedRequest(event.request, { allowUpload: false });
	const { db, signingKeys } = event.locals.server;
	// Looked up per request (cached a few seconds): a rotation reaches every node without a restart.
	const signingKey = await signingKeys.current();
	const outcome = await refresh({ db, signer: signingKey, now: Date.now() }, { request });
	if (!outcome.ok) throw new DomainError(outcome.error);
	return json(outcome.response);
});
