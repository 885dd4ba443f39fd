// Every error body of the activation server's API: a stable code for programs and a sentence for
// people (docs/API.md). Checked without zod (shape.ts): any answer the License Manager gets may be one.
import type { DeactivationErrorCode } from './deactivation.js';
import type { EmergencyCodeErrorCode } from './emergency-code.js';
import type { EmergencyUseErrorCode } from './emergency-license.js';
import type { RequestErrorCode } from './reg-file.js';
import { object, optional, parser, string, type Output } from './shape.js';

const apiErrorBody = object({
	error: object({
		code: string(),
		message: string(),
		field: optional(string()),
		/** For errors about one license of a request. */
		licenseNumber: optional(string())
	})
});
export const apiErrorSchema = parser('error answer', apiErrorBody);
export type ApiError = Output<typeof apiErrorBody>['error'];

/**
 * Every code the server answers with (docs/API.md lists them with their statuses). A client must
 * still accept a code it does not know: a newer server may answer one, and its message is for people.
 */
export type ApiErrorCode =
	// the request itself is wrong
	| RequestErrorCode
	| DeactivationErrorCode
	| EmergencyCodeErrorCode
	| EmergencyUseErrorCode
	| 'invalid_body'
	| 'invalid_json'
	| 'invalid_query'
	| 'invalid_payload'
	| 'unknown_operation'
	| 'request_malformed'
	| 'request_not_a_request'
	| 'request_unsupported_version'
	| 'request_unsupported_algorithm'
	| 'request_bad_signature'
	| 'request_from_future'
	| 'request_wrong_purpose'
	| 'request_expired'
	| 'emergency_use_from_future'
	| 'license_is_expansion'
	| 'license_number_invalid'
	| 'edit_from_future'
	| 'invalid_email'
	| 'password_too_short'
	| 'password_too_long'
	// who is asking
	| 'not_signed_in'
	| 'invalid_credentials'
	| 'cross_site_request'
	| 'email_mismatch'
	| 'wrong_current_password'
	| 'signup_closed'
	| 'other_account'
	| 'authorization_malformed'
	| 'authorization_unknown_key'
	| 'authorization_mismatch'
	| 'authorization_expired'
	| 'request_replayed'
	// the licenses
	| 'license_not_found'
	| 'no_free_seat'
	| 'deferred_not_allowed'
	| 'emergency_not_allowed'
	| 'license_expired'
	| 'not_found'
	| 'project_not_found'
	| 'seat_not_found'
	| 'deactivation_not_held'
	| 'deactivation_replayed'
	| 'seat_already_released'
	| 'deactivation_superseded'
	| 'method_not_allowed'
	| 'malformed_path'
	// transport limits and faults
	| 'payload_too_large'
	| 'request_too_large'
	| 'unsupported_media_type'
	| 'rate_limited'
	| 'internal_error'
	| 'database_unavailable'
	| 'database_busy';
