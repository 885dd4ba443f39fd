// One place maps every API error code to its HTTP status; routes return codes, never statuses.
import { json } from '@sveltejs/kit';
import type { ApiError } from '$lib/protocol/api';

const STATUS_BY_CODE: Record<string, number> = {
	// 400: the request itself is wrong
	invalid_body: 400,
	invalid_json: 400,
	invalid_payload: 400,
	unknown_operation: 400,
	request_malformed: 400,
	request_not_a_request: 400,
	request_unsupported_version: 400,
	request_unsupported_algorithm: 400,
	request_bad_signature: 400,
	request_from_future: 400,
	request_wrong_purpose: 400,
	request_expired: 400,
	license_is_expansion: 400,
	license_number_invalid: 400,
	edit_from_future: 400,
	invalid_email: 400,
	password_too_short: 400,
	password_too_long: 400,
	// 401 / 403: who is asking
	not_signed_in: 401,
	invalid_credentials: 401,
	cross_site_request: 403,
	email_mismatch: 403,
	wrong_current_password: 403,
	signup_closed: 403,
	request_replayed: 409,
	// 404 / 409 / 422: the licenses
	license_not_found: 404,
	no_free_seat: 409,
	deferred_not_allowed: 403,
	emergency_not_allowed: 403,
	license_expired: 410,
	not_found: 404,
	project_not_found: 404,
	seat_not_found: 404,
	method_not_allowed: 405,
	// transport limits
	payload_too_large: 413,
	request_too_large: 413,
	unsupported_media_type: 415,
	rate_limited: 429,
	internal_error: 500,
	database_unavailable: 503
};

export function statusOf(code: string): number {
	return STATUS_BY_CODE[code] ?? 400;
}

/** A refusal that ends by itself: how long to wait, in the body for programs and in `Retry-After`. */
export interface RetryLater {
	retryAfterSeconds: number;
}

/** An expected failure: a stable code and a sentence saying what to do next. */
export function apiError(error: ApiError & Partial<RetryLater>, headers?: HeadersInit): Response {
	return json({ error }, { status: statusOf(error.code), headers });
}

/** `429 rate_limited` saying when to come back, as a number of seconds in the body and the header. */
export function rateLimitedError(refusal: { message: string } & RetryLater): Response {
	const { message, retryAfterSeconds } = refusal;
	return apiError(
		{ code: 'rate_limited', message, retryAfterSeconds },
		{ 'retry-after': String(retryAfterSeconds) }
	);
}

export function fail(
	code: string,
	message: string,
	extra: Omit<ApiError, 'code' | 'message'> = {}
): Response {
	return apiError({ code, message, ...extra });
}

/** Thrown inside a route when the request must stop with an API error (caught by `handleApi`). */
export class ApiFailure extends Error {
	override name = 'ApiFailure';
	constructor(
		readonly error: ApiError,
		readonly headers?: HeadersInit
	) {
		super(error.message);
	}
}
