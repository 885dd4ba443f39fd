import { json } from '@sveltejs/kit';
import { getServerContext } from '$lib/server/context';
import { apiHandler } from '$lib/server/http/handler';
import { publishedKeys } from '$lib/server/services/signing-keys.service';
import type { RequestHandler } from './$types';

export const prerender = false;

/** The vendor's trusted public keys: the active one and those kept for verification after rotation. */
export const GET: RequestHandler = apiHandler(async () => {
	const { db } = await getServerContext();
	return json(await publishedKeys(db));
});
