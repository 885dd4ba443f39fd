import { json } from '@sveltejs/kit';
import { credentialsSchema, type SessionBody } from '$lib/protocol/api';
import { refusalOf } from '$lib/server/errors';
import { errorResponse } from '$lib/server/http/api-error';
import { readJson } from '$lib/server/http/body';
import { apiHandler, requireAccount } from '$lib/server/http/handler';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from '$lib/server/http/session-cookie';
import { login, logout } from '$lib/server/accounts/auth.service';
import type { RequestHandler } from './$types';

export const prerender = false;

/** Sign in: a new session (and a new session id) at every login. */
export const POST: RequestHandler = apiHandler(async (event) => {
	const credentials = await readJson(event.request, credentialsSchema, 4096);
	const { db, config } = event.locals.server;
	const result = await login(
		db,
		credentials.email,
		credentials.password,
		event.getClientAddress(),
		Date.now(),
		{ sessionPolicy: config.sessions }
	);
	if (!result.ok) {
		// A locked account: the answer says how long (retryAfterSeconds, Retry-After, the message).
		return errorResponse(refusalOf(result));
	}
	// The cookie lasts as long as the session could: the server ends it earlier when it goes unused.
	setSessionCookie(event.cookies, event.url, result.token, result.endsAt);
	return json({ account: { email: result.account.email } } satisfies SessionBody);
});

/** Who is signed in. */
export const GET: RequestHandler = apiHandler(async (event) => {
	const account = requireAccount(event);
	return json({ account: { email: account.email } } satisfies SessionBody);
});

/** Sign out. */
export const DELETE: RequestHandler = apiHandler(async (event) => {
	const token = readSessionCookie(event.cookies, event.url);
	if (token) {
		const { db } = event.locals.server;
		await logout(db, token);
	}
	clearSessionCookie(event.cookies, event.url);
	return new Response(null, { status: 204 });
});
