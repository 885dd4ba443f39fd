// Wraps every API route: expected failures become their JSON error, anything else a 500 with no
// internals in it (the details go to the server log only).
import type { RequestEvent, RequestHandler } from '@sveltejs/kit';
import { DatabaseBusyError } from '../db/patient-sqlite';
import { DomainError } from '../errors';
import { answerOf, fail } from './api-error';
import { logger } from '../observability/logger';
import { metrics } from '../observability/metrics';

export function apiHandler<E extends RequestEvent>(
	handle: (event: E) => Promise<Response>
): (event: E) => Promise<Response> {
	return async (event) => {
		try {
			return await answerFailures(() => handle(event));
		} catch (error) {
			if (error instanceof DatabaseBusyError) {
				metrics.databaseErrors.inc({ kind: 'busy' });
				return fail(
					'database_busy',
					'The activation server’s database is busy with maintenance. Try again in a moment; nothing was changed.',
					{ retryAfterSeconds: 5 }
				);
			}
			metrics.databaseErrors.inc({ kind: 'fault' });
			logger.error(
				{
					requestId: event.locals.requestId,
					method: event.request.method,
					route: event.route.id,
					err: error
				},
				'request failed'
			);
			return fail(
				'internal_error',
				'Something went wrong on the server. Try again in a moment; if it keeps failing, contact support.'
			);
		}
	};
}

/** Runs `work`, turning a refusal it throws (DomainError) into its JSON error answer. */
export async function answerFailures(work: () => Promise<Response>): Promise<Response> {
	try {
		return await work();
	} catch (error) {
		if (error instanceof DomainError) return answerOf(error);
		throw error;
	}
}

export type ApiRequestHandler = RequestHandler;

/** The signed-in account, or a 401 telling the client to sign in. */
export function requireAccount(event: RequestEvent): { id: string; email: string } {
	const account = event.locals.account;
	if (!account) throw new DomainError({ code: 'not_signed_in', message: 'Sign in to continue.' });
	return account;
}
