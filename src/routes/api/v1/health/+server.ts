import { json } from '@sveltejs/kit';
import { sql } from 'kysely';
import { version } from '$app/environment';
import type { HealthResponse } from '$lib/protocol/health';
import { signServerTime } from '$lib/protocol/server-time';
import { getServerContext } from '$lib/server/context';
import { fail } from '$lib/server/http/api-error';
import { apiHandler } from '$lib/server/http/handler';
import type { RequestHandler } from './$types';

export const prerender = false;

/** Whether the server and its database answer; its version, signed time, vendor contacts and sign-up. */
export const GET: RequestHandler = apiHandler(async () => {
	let context;
	try {
		context = await getServerContext();
		await sql`select 1`.execute(context.db);
	} catch (error) {
		console.error('Health check: the database does not answer:', error);
		return fail(
			'database_unavailable',
			'The activation server cannot reach its database. Try again in a few minutes; if it keeps failing, contact support.'
		);
	}
	const { config, signingKey } = context;
	const now = Date.now();
	return json({
		status: 'ok',
		version,
		serverTime: now,
		signedTime: await signServerTime(now, signingKey),
		vendor: config.vendor,
		signup: config.signupOpen
	} satisfies HealthResponse);
});
