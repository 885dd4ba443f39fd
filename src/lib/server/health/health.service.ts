// What GET /api/v1/health reports: whether the database answers, and what a client needs to know
// about this server (its version, a signed time, the vendor's contacts, whether sign-up is open).
import type { HealthResponse } from '$lib/protocol/health';
import { signServerTime } from '$lib/protocol/server-time';
import type { ServerContext } from '../context';
import { databaseAnswers } from '../db/database';
import { DomainError, type Refusal } from '../errors';

export const DATABASE_UNAVAILABLE = {
	code: 'database_unavailable',
	message:
		'The activation server cannot reach its database. Try again in a few minutes; if it keeps failing, contact support.',
	retryAfterSeconds: 30
} as const satisfies Refusal;

export async function checkHealth(
	context: ServerContext,
	version: string,
	now: number
): Promise<HealthResponse> {
	if (!(await databaseAnswers(context.db))) {
		throw new DomainError(DATABASE_UNAVAILABLE);
	}
	return {
		status: 'ok',
		version,
		serverTime: now,
		signedTime: await signServerTime(now, await context.signingKeys.current()),
		vendor: context.config.vendor,
		signup: context.config.signupOpen
	};
}
