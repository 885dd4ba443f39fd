// One place maps every domain refusal to its HTTP answer: the status of each code (the compiler
// checks that every code has one), the JSON body, and Retry-After for refusals that end by themselves.
import { json } from '@sveltejs/kit';
import { DomainError, type ApiErrorCode, type Refusal } from '../errors';

const STATUS_BY_CODE = {
	// 400: the request itself is wrong
	invalid_body: 400,
	invalid_json: 400,
	invalid_query: 400,
	invalid_payload: 400,
	unknown_operation: 400,
	request_malformed: 400,
	request_not_a_request: 400,
	request_too_large: 413,
	request_unsupported_version: 400,
	request_unsupported_algorithm: 400,
	request_bad_signature: 400,
	deactivation_too_large: 413,
	deactivation_not_a_statement: 400,
	deactivation_unsupported_version: 400,
	deactivation_malformed: 400,
	deactivation_bad_signature: 400,
	request_from_future: 400,
	request_wrong_purpose: 400,
	request_expired: 400,
	emergency_code_too_large: 413,
	emergency_code_not_a_code: 400,
	emergency_code_unsupported_version: 400,
	emergency_code_malformed: 400,
	emergency_code_unsupported_algorithm: 400,
	emergency_code_unknown_key: 400,
	emergency_code_bad_signature: 400,
	emergency_code_issued_in_future: 400,
	emergency_code_wrong_license: 400,
	emergency_use_too_large: 413,
	emergency_use_not_a_use: 400,
	emergency_use_unsupported_version: 400,
	emergency_use_malformed: 400,
	emergency_use_unsupported_algorithm: 400,
	emergency_use_too_long: 400,
	emergency_use_bad_signature: 400,
	emergency_use_wrong_device: 400,
	emergency_use_code_mismatch: 400,
	emergency_use_invalid_license_number: 400,
	emergency_use_from_future: 400,
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
	// sync results only (an operation's answer inside a 200), never a whole answer's status
	other_account: 403,
	authorization_malformed: 400,
	authorization_unknown_key: 400,
	authorization_mismatch: 403,
	authorization_expired: 401,
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
	deactivation_not_held: 404,
	deactivation_replayed: 409,
	seat_already_released: 409,
	deactivation_superseded: 409,
	method_not_allowed: 405,
	// answered by the server entry (scripts/server.js) before the app
	malformed_path: 400,
	// transport limits
	payload_too_large: 413,
	unsupported_media_type: 415,
	rate_limited: 429,
	internal_error: 500,
	database_unavailable: 503,
	database_busy: 503
} as const satisfies Record<ApiErrorCode, number>;

export function statusOf(code: ApiErrorCode): number {
	return STATUS_BY_CODE[code];
}

/** A refusal of the HTTP layer that needs headers of its own on its answer. */
export class HttpRefusal extends DomainError {
	constructor(
		refusal: Refusal,
		readonly headers: HeadersInit
	) {
		super(refusal);
	}
}

/** The JSON answer of a refusal: `{ error }` with its status, and `Retry-After` when it says when. */
export function errorResponse(refusal: Refusal, headers?: HeadersInit): Response {
	const answer = new Headers(headers);
	if (refusal.retryAfterSeconds !== undefined) answer.set('retry-after', String(refusal.retryAfterSeconds));
	return json({ error: refusal }, { status: statusOf(refusal.code), headers: answer });
}

export function fail(
	code: ApiErrorCode,
	message: string,
	extra: Omit<Refusal, 'code' | 'message'> = {}
): Response {
	return errorResponse({ code, message, ...extra });
}

/** The answer to anything thrown as a DomainError. */
export function answerOf(error: DomainError): Response {
	return errorResponse(error.refusal, error instanceof HttpRefusal ? error.headers : undefined);
}
