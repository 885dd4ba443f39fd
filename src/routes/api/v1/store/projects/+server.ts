import { json } from '@sveltejs/kit';
import type { StoreProjectsResponse } from '$lib/protocol/store';
import { apiHandler, requireAccount } from '$lib/server/http/handler';
import { readProjects } from '$lib/server/store/store.service';
import type { RequestHandler } from './$types';

export const prerender = false;

/** The signed-in account's projects (deleted ones as tombstones) and its recent lost edits. */
export const GET: RequestHandler = apiHandler(async (event) => {
	const account = requireAccount(event);
	const { db } = event.locals.server;
	const now = Date.now();
	return json({
		...(await readProjects(db, account.id, now)),
		serverTime: now
	} satisfies StoreProjectsResponse);
});
