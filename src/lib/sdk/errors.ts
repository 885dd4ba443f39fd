// The one error type the client core throws, for the few failures that are not an outcome: a storage
// that cannot be opened or read, options that cannot work. Everything a user or a program can expect
// (a refusal, no network, a bad file) is a result value instead, with the same code-and-sentence
// shape as the server's errors.
import type { ApiError } from '$lib/protocol/api.js';

export type AirlockErrorCode =
	'storage_damaged' | 'storage_unavailable' | 'storage_closed' | 'identity_damaged' | 'invalid_options';

export class AirlockError extends Error {
	override name = 'AirlockError';
	constructor(
		readonly code: AirlockErrorCode,
		message: string,
		/** What to do about it. */
		readonly remedy?: string,
		options?: { cause?: unknown }
	) {
		super(message, options);
	}
}

/** An expected refusal: a stable code and a sentence saying what to do next. */
export type Refusal = ApiError;
