import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { errorResponse, fail } from '$lib/server/http/api-error';
import { DATABASE_UNAVAILABLE } from '$lib/server/health/health.service';
import { isCrossSiteRequest } from '$lib/server/http/same-origin';
import { readSessionCookie } from '$lib/server/http/session-cookie';
import { getServerContext } from '$lib/server/context';
import { scheduleHousekeeping } from '$lib/server/housekeeping';
import { sessionFromToken } from '$lib/server/accounts/auth.service';
import type { ServerContext } from '$lib/server/context';
import { API_PREFIX } from '$lib/protocol/api';
import { building } from '$app/environment';

const SECURITY_HEADERS: Record<string, string> = {
	'x-content-type-options': 'nosniff',
	'referrer-policy': 'no-referrer',
	'x-frame-options': 'DENY',
	'cross-origin-opener-policy': 'same-origin'
};

/** Migrates the database, loads the signing key and seeds the demo data at start-up, not on first use. */
export const init: ServerInit = async () => {
	// Prerendering at build time runs this too: the build must not create a database.
	if (building) return;
	const { db } = await getServerContext();
	scheduleHousekeeping(db);
};

/** The process's context, or null when it cannot be opened (the database does not answer). */
async function serverContext(): Promise<ServerContext | null> {
	try {
		return await getServerContext();
	} catch (error) {
		console.error('The server cannot open its database:', error);
		return null;
	}
}

export const handle: Handle = async ({ event, resolve }) => {
	event.locals.account = null;
	if (event.url.pathname.startsWith(`${API_PREFIX}/`)) {
		if (isCrossSiteRequest(event.request, event.url)) {
			return fail('cross_site_request', 'This request came from another site and was refused.');
		}
		const server = await serverContext();
		if (!server) {
			return errorResponse(DATABASE_UNAVAILABLE);
		}
		event.locals.server = server;
		const token = readSessionCookie(event.cookies, event.url);
		if (token) {
			const session = await sessionFromToken(server.db, token, Date.now());
			event.locals.account = session?.account ?? null;
		}
	}
	const response = await resolve(event);
	for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
		if (!response.headers.has(name)) response.headers.set(name, value);
	}
	if (event.url.pathname.startsWith(`${API_PREFIX}/`)) response.headers.set('cache-control', 'no-store');
	return response;
};

export const handleError: HandleServerError = ({ error, event, status }) => {
	if (status >= 500) console.error(`${event.request.method} ${event.url.pathname} failed:`, error);
	return {
		message: status === 404 ? 'Not found' : 'Something went wrong on the server.',
		code: status === 404 ? 'not_found' : 'internal_error'
	};
};
