import { json } from '@sveltejs/kit';
import { licenseHistory } from '$lib/server/audit/audit.service';
import { DomainError } from '$lib/server/errors';
import { requireStorableText } from '$lib/server/http/body';
import { apiHandler, requireAccount } from '$lib/server/http/handler';
import type { RequestHandler } from './$types';

export const prerender = false;

/** The owner's view of one license's audit events (and its expansions'), newest first. */
export const GET: RequestHandler = apiHandler(async (event) => {
	const account = requireAccount(event);
	requireStorableText(event.params.number, 'number');
	const outcome = await licenseHistory(event.locals.server.db, account, event.params.number);
	if (!outcome.ok) throw new DomainError(outcome.error);
	return json(outcome.value);
});
