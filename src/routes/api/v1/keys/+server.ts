import { json } from '@sveltejs/kit';
import { apiHandler } from '$lib/server/http/handler';
import { publishedKeys } from '$lib/server/keys/signing-keys.service';
import { publishedSealKey } from '$lib/server/keys/seal-key';
import type { RequestHandler } from './$types';

export const prerender = false;

/**
 * The vendor's trusted public keys: the active one and those kept for verification after rotation,
 * and the key-agreement key a client seals a queued operation's authorization to.
 */
export const GET: RequestHandler = apiHandler(async (event) => {
	const { db, signingKey } = event.locals.server;
	return json({ ...(await publishedKeys(db)), seal: await publishedSealKey(signingKey) });
});
