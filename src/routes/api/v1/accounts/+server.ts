import { signUpAnswer } from '$lib/server/http/account-endpoints';
import { apiHandler } from '$lib/server/http/handler';
import type { RequestHandler } from './$types';

export const prerender = false;

/** Create an account, when SIGNUP=open; the answer never tells whether the e-mail was taken. */
export const POST: RequestHandler = apiHandler(async (event) =>
	signUpAnswer(event.locals.server, event.request, {
		clientAddress: event.getClientAddress(),
		now: Date.now()
	})
);
