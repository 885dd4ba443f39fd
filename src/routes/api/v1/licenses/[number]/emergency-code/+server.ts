import { json } from '@sveltejs/kit';
import type { EmergencyCodeResponse } from '$lib/protocol/emergency-api';
import { getEmergencyCode } from '$lib/server/emergency/emergency-code.service';
import { DomainError } from '$lib/server/errors';
import { requireStorableText } from '$lib/server/http/body';
import { apiHandler, requireAccount } from '$lib/server/http/handler';
import type { RequestHandler } from './$types';

export const prerender = false;

/** The license's emergency code (made on first request, the same one after), for its owner. */
export const GET: RequestHandler = apiHandler(async (event) => {
	const account = requireAccount(event);
	requireStorableText(event.params.number, 'number');
	const { db, signingKeys } = event.locals.server;
	// Looked up per request (cached a few seconds): a rotation reaches every node without a restart.
	const signingKey = await signingKeys.current();
	const outcome = await getEmergencyCode(
		{ db, signer: signingKey, now: Date.now() },
		{ licenseNumber: event.params.number, accountId: account.id }
	);
	if (!outcome.ok) throw new DomainError(outcome.error);
	return json(outcome.response satisfies EmergencyCodeResponse);
});
