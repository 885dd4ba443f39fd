import { json } from '@sveltejs/kit';
import { apiHandler } from '$lib/server/http/handler';
import type { RequestHandler } from './$types';

export const prerender = false;

/**
 * The vendor's key set, signed by the active key (FORMATS.md §6): the active key and those kept for
 * verification, the withdrawn ones, and the key-agreement key a client seals a queued operation's
 * authorization to. Built once per change of the set, not per request.
 */
export const GET: RequestHandler = apiHandler(async (event) => {
	return json(await event.locals.server.signingKeys.keySet());
});
