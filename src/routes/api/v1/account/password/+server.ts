import { passwordChangeAnswer } from '$lib/server/http/account-endpoints';
import { apiHandler } from '$lib/server/http/handler';
import { readSessionCookie } from '$lib/server/http/session-cookie';
import type { RequestHandler } from './$types';

export const prerender = false;

/** The signed-in user changes the password; the account's other sessions end, this one stays. */
export const POST: RequestHandler = apiHandler(async (event) =>
	passwordChangeAnswer(
		event.locals.server,
		event.request,
		{ account: event.locals.account, token: readSessionCookie(event.cookies, event.url) },
		{ clientAddress: event.getClientAddress(), now: Date.now() }
	)
);
