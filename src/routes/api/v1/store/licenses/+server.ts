import { json } from '@sveltejs/kit';
import type { StoreLicensesResponse } from '$lib/protocol/store';
import { apiHandler, requireAccount } from '$lib/server/http/handler';
import { readLicenses } from '$lib/server/store/store.service';
import type { RequestHandler } from './$types';

export const prerender = false;

/** Every license of the signed-in account, with its devices, seats, status and project link. */
export const GET: RequestHandler = apiHandler(async (event) => {
	const account = requireAccount(event);
	const { db } = event.locals.server;
	const now = Date.now();
	return json({
		licenses: await readLicenses(db, account.id, now),
		serverTime: now
	} satisfies StoreLicensesResponse);
});
