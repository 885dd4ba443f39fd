// Checking what a user or a vendor's program typed before anything is signed: license numbers and
// the account's e-mail address, each refusal with a code and a sentence saying what to do.
import type { ApiError } from '$lib/protocol/api.js';
import { isEmail, normalizeEmail } from '$lib/protocol/fields.js';
import { parseLicenseNumber } from '$lib/protocol/license-number.js';
import {
	createRegistrationRequest,
	formatRegFile,
	MAX_REQUEST_LICENSES,
	type RegistrationRequest,
	type RequestPurpose
} from '$lib/protocol/reg-file.js';
import type { Core } from '../core.js';

export type Checked<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** License numbers as typed (any case, with or without dashes), each once, at most 8. */
export function checkLicenseNumbers(input: unknown, { required = true } = {}): Checked<string[]> {
	const numbers: string[] = [];
	const list: readonly unknown[] = Array.isArray(input) ? input : typeof input === 'string' ? [input] : [];
	for (const each of list) {
		if (typeof each !== 'string')
			return {
				ok: false,
				error: {
					code: 'license_number_invalid',
					message: 'A license number is text, such as SRV-5BQ7-MKXD-3H99.'
				}
			};
		const parsed = parseLicenseNumber(each);
		if (!parsed.ok) return { ok: false, error: { ...parsed.error, field: 'licenseNumbers' } };
		if (!numbers.includes(parsed.licenseNumber)) numbers.push(parsed.licenseNumber);
	}
	if (required && numbers.length === 0)
		return {
			ok: false,
			error: {
				code: 'license_number_empty',
				message: 'Enter at least one license number.',
				field: 'licenseNumbers'
			}
		};
	if (numbers.length > MAX_REQUEST_LICENSES)
		return {
			ok: false,
			error: {
				code: 'too_many_licenses',
				message: `One request names at most ${MAX_REQUEST_LICENSES} license numbers: make a second request for the others.`,
				field: 'licenseNumbers'
			}
		};
	return { ok: true, value: numbers };
}

/** The account's e-mail address, normalised as every format stores it. */
export function checkEmail(input: unknown): Checked<string> {
	const email = typeof input === 'string' ? normalizeEmail(input) : '';
	return isEmail(email)
		? { ok: true, value: email }
		: {
				ok: false,
				error: {
					code: 'email_invalid',
					message: 'Enter the e-mail address of your account, such as ada@example.com.',
					field: 'email'
				}
			};
}

/** A signed request of this device for checked numbers and e-mail, as reg.txt text. */
export async function signedRequest(
	core: Core,
	purpose: RequestPurpose,
	licenseNumbers: string[],
	email: string
): Promise<{ request: RegistrationRequest; text: string }> {
	const request = await createRegistrationRequest({
		purpose,
		licenseNumbers,
		email,
		signer: core.identity.signer,
		now: core.clock.now()
	});
	return { request, text: formatRegFile(request, core.portalUrl) };
}
