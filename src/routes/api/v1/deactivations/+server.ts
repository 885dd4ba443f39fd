import { json } from '@sveltejs/kit';
import { deactivationBodySchema } from '$lib/protocol/deactivation-api';
import { MAX_DEACTIVATION_FILE_CHARS } from '$lib/protocol/deactivation';
import { submitDeactivation } from '$lib/server/activation/deactivation.service';
import { DomainError } from '$lib/server/errors';
import { readJson, readText, requireMediaType } from '$lib/server/http/body';
import { apiHandler } from '$lib/server/http/handler';
import { auditOriginOf } from '$lib/server/http/audit-origin';
import type { RequestHandler } from './$types';

export const prerender = false;

/**
 * A deactivation statement brought from an offline device (the portal) or sent by the device itself:
 * frees the seat it gives up. No session: the device's signature is the credential.
 */
export const POST: RequestHandler = apiHandler(async (event) => {
	const type = requireMediaType(event.request, ['application/json', 'text/plain']);
	const limit = MAX_DEACTIVATION_FILE_CHARS + 1024;
	const text =
		type === 'application/json'
			? (await readJson(event.request, deactivationBodySchema, limit)).statement
			: await readText(event.request, limit);
	const outcome = await submitDeactivation(
		{ db: event.locals.server.db, now: Date.now(), origin: auditOriginOf(event) },
		text
	);
	if (!outcome.ok) throw new DomainError(outcome.error);
	return json(outcome.value);
});
