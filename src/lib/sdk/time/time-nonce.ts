// Fresh server times: each sync and health request carries a new random nonce, kept in this
// process's memory only (never stored: a nonce read back from storage could have been put there).
// The server signs it into its time statement (T2). A statement that carries the nonce of the
// request just made, answered within the request's timeout, is the true time now — not one fetched
// earlier and kept — so the trusted clock may be re-anchored to it (protocol/trusted-clock.ts).
import { encodeBase64url } from '$lib/protocol/base64url.js';
import { serverTimeNonce } from '$lib/protocol/server-time.js';

/** The API client's default timeout: an answer later than this is not taken as fresh. */
export const FRESH_ANSWER_MS = 15_000;

export interface TimeRequest {
	/** 16 random bytes, base64url: 22 characters. */
	readonly nonce: string;
	/** performance.now() when the request left: elapsed time that a clock set back cannot change. */
	readonly startedAt: number;
}

export function newTimeRequest(): TimeRequest {
	return {
		nonce: encodeBase64url(crypto.getRandomValues(new Uint8Array(16))),
		startedAt: performance.now()
	};
}

/**
 * Whether a statement answers this request: it claims the request's nonce and came within the
 * timeout. Its signature is checked later, before the clock uses it; a forged one is then dropped.
 */
export function answersRequest(request: TimeRequest, statement: string, at = performance.now()): boolean {
	return serverTimeNonce(statement) === request.nonce && at - request.startedAt <= FRESH_ANSWER_MS;
}
