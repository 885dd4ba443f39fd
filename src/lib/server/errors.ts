// The one error type of the server's domain: a stable code and a sentence saying what to do next.
// It knows nothing of HTTP; the routes turn it into an answer in one place (http/api-error.ts).
import type { ApiErrorCode } from '$lib/protocol/api-error';

export type { ApiErrorCode };

export interface Refusal {
	code: ApiErrorCode;
	message: string;
	field?: string;
	/** For refusals about one license of a request. */
	licenseNumber?: string;
	/** For refusals that end by themselves: how long to wait. */
	retryAfterSeconds?: number;
}

/** Thrown where a refusal must stop the work (e.g. roll a transaction back). */
export class DomainError extends Error {
	override name = 'DomainError';
	constructor(readonly refusal: Refusal) {
		super(refusal.message);
	}
}

export function refusal(
	code: ApiErrorCode,
	message: string,
	extra: Omit<Refusal, 'code' | 'message'> = {}
): Refusal {
	return { code, message, ...extra };
}

/** The refusal carried by a failed result of the form `{ ok: false, code, message, … }`. */
export function refusalOf(result: Refusal & { ok: false }): Refusal {
	const { code, message, field, licenseNumber, retryAfterSeconds } = result;
	return {
		code,
		message,
		...(field !== undefined && { field }),
		...(licenseNumber !== undefined && { licenseNumber }),
		...(retryAfterSeconds !== undefined && { retryAfterSeconds })
	};
}
