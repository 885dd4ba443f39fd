import { json } from '@sveltejs/kit';
import { releaseSeatRequestSchema } from '$lib/protocol/store';
import { DomainError } from '$lib/server/errors';
import { readJson, requireStorableText } from '$lib/server/http/body';
import { apiHandler, requireAccount } from '$lib/server/http/handler';
import { auditOriginOf } from '$lib/server/http/audit-origin';
import { releaseSeat } from '$lib/server/store/store.service';
import type { RequestHandler } from './$types';

export const prerender = false;

/** The owner frees the seat a device holds on one of the account's licenses. */
export const POST: RequestHandler = apiHandler(async (event) => {
	const account = requireAccount(event);
	requireStorableText(event.params.number, 'number');
	const { deviceId } = await readJson(event.request, releaseSeatRequestSchema, 1024);
	const { db } = event.locals.server;
	const outcome = await releaseSeat(
		db,
		{ account, licenseNumber: event.params.number, deviceId },
		Date.now(),
		auditOriginOf(event)
	);
	if (!outcome.ok) throw new DomainError(outcome.error);
	return json(outcome.value);
});
