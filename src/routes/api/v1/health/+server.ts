import { json } from '@sveltejs/kit';
import { version } from '$app/environment';
import { checkHealth, timeNonceOf } from '$lib/server/health/health.service';
import { apiHandler } from '$lib/server/http/handler';
import type { RequestHandler } from './$types';

export const prerender = false;

/**
 * Whether the server and its database answer; its version, signed time (bound to `?nonce=` when
 * given), vendor contacts and sign-up.
 */
export const GET: RequestHandler = apiHandler(async ({ locals, url }) => {
	const nonce = timeNonceOf(url);
	return json(await checkHealth(locals.server, version, Date.now(), nonce));
});
