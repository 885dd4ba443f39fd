// What GET /api/v1/health reports: whether the database answers, and what a client needs to know
// about this server (its version, a signed time, the vendor's contacts, whether sign-up is open).
import type { HealthResponse } from '$lib/protocol/health';
import { isTimeNonce, signServerTime } from '$lib/protocol/server-time';
import type { ServerContext } from '../context';
import { databaseAnswers } from '../db/database';
import { DomainError, type Refusal } from '../errors';

export const DATABASE_UNAVAILABLE = {
	code: 'database_unavailable',
	message:
		'The activation server cannot reach its database. Try again in a few minutes; if it keeps failing, contact support.',
	retryAfterSeconds: 30
} as const satisfies Refusal;

/**
 * The `nonce` query parameter of GET /api/v1/health: the client's time nonce, to be signed into the
 * time statement (T2), or null when there is none (an older client: T1). Anything else is refused,
 * not ignored, so a client with a bug learns it rather than silently losing its fresh time.
 */
export function timeNonceOf(url: URL): string | null {
	const values = url.searchParams.getAll('nonce');
	if (values.length === 0) return null;
	const [nonce] = values;
	if (values.length > 1 || !isTimeNonce(nonce))
		throw new DomainError({
			code: 'invalid_query',
			message:
				'The nonce must be sent once, as 22 characters of the base64url alphabet (A–Z, a–z, 0–9, “-” and “_”).',
			field: 'nonce'
		});
	return nonce;
}

export async function checkHealth(
	context: ServerContext,
	version: string,
	now: number,
	timeNonce: string | null = null
): Promise<HealthResponse> {
	if (!(await databaseAnswers(context.db))) {
		throw new DomainError(DATABASE_UNAVAILABLE);
	}
	return {
		status: 'ok',
		version,
		serverTime: now,
		signedTime: await signServerTime(now, await context.signingKeys.current(), timeNonce),
		vendor: context.config.vendor,
		signup: context.config.signupOpen
	};
}
