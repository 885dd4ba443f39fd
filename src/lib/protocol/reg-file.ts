// Registration requests (`reg.txt`): a device asks for licenses, signed with the device key.
// Specified in docs/FORMATS.md; the compact QR form is in qr-payload.ts.
import {
	fieldLines,
	readArmor,
	signedBytesOf,
	writeArmor,
	type ArmorError,
	type ArmorSpec
} from './armor.js';
import { encodeBase64url } from './base64url.js';
import { randomBytes } from './bytes.js';
import { DEVICE_ID_PATTERN } from './device-id.js';
import { deviceIdOf } from './sync-ids.js';
import { verify, type Signer } from './ed25519.js';
import {
	decodeKey,
	decodeNonce,
	formatTimestamp,
	isEmail,
	isSupportedTime,
	KEY_PATTERN,
	NONCE_BYTES,
	NONCE_PATTERN,
	parseTimestamp,
	TIMESTAMP_PATTERN
} from './fields.js';
import { LICENSE_NUMBER_PATTERN, parseLicenseNumber } from './license-number.js';

export const MAX_REQUEST_LICENSES = 8;
export const MAX_REG_FILE_CHARS = 16 * 1024;
export const REQUEST_PURPOSES = ['activate', 'refresh'] as const;
export type RequestPurpose = (typeof REQUEST_PURPOSES)[number];

export const REQUEST_SPEC: ArmorSpec = {
	label: 'AIRLOCK REQUEST',
	domain: 'airlock/request/v1',
	format: 'airlock-request/1',
	maxChars: MAX_REG_FILE_CHARS,
	fields: [
		{ name: 'Purpose', min: 1, max: 1, pattern: /^(activate|refresh)$/ },
		{ name: 'License', min: 0, max: MAX_REQUEST_LICENSES, pattern: LICENSE_NUMBER_PATTERN },
		{ name: 'Email', min: 1, max: 1, pattern: /^\S{3,254}$/ },
		{ name: 'Device-Id', min: 1, max: 1, pattern: DEVICE_ID_PATTERN },
		{ name: 'Device-Key', min: 1, max: 1, pattern: KEY_PATTERN },
		{ name: 'Created-At', min: 1, max: 1, pattern: TIMESTAMP_PATTERN },
		{ name: 'Nonce', min: 1, max: 1, pattern: NONCE_PATTERN },
		{ name: 'Algorithm', min: 1, max: 1, pattern: /^[A-Za-z0-9-]{1,20}$/ }
	]
};

export interface RegistrationRequest {
	purpose: RequestPurpose;
	licenseNumbers: string[];
	email: string;
	deviceId: string;
	devicePublicKey: Uint8Array;
	/** Milliseconds since the epoch, whole seconds. */
	createdAt: number;
	/** 16 random bytes, base64url: with the device id, names this request for replay detection. */
	nonce: string;
	signature: Uint8Array;
}

export type RequestErrorCode =
	| 'request_too_large'
	| 'request_not_a_request'
	| 'request_unsupported_version'
	| 'request_malformed'
	| 'request_unsupported_algorithm'
	| 'request_bad_signature';

export interface RequestError {
	code: RequestErrorCode;
	message: string;
	field?: string;
}

export type RequestResult = { ok: true; request: RegistrationRequest } | { ok: false; error: RequestError };

function requestError(
	code: RequestErrorCode,
	message: string,
	field?: string
): { ok: false; error: RequestError } {
	return { ok: false, error: field ? { code, message, field } : { code, message } };
}

function valuesOf(request: Omit<RegistrationRequest, 'signature'>): Map<string, string[]> {
	return new Map([
		['Purpose', [request.purpose]],
		['License', request.licenseNumbers],
		['Email', [request.email]],
		['Device-Id', [request.deviceId]],
		['Device-Key', [encodeBase64url(request.devicePublicKey)]],
		['Created-At', [formatTimestamp(request.createdAt)]],
		['Nonce', [request.nonce]],
		['Algorithm', ['Ed25519']]
	]);
}

/** The exact bytes the device signs for a request. */
export function requestSignedBytes(request: Omit<RegistrationRequest, 'signature'>): Uint8Array {
	return signedBytesOf(REQUEST_SPEC, fieldLines(REQUEST_SPEC, valuesOf(request)));
}

/** Checks what the fields mean once their syntax is right; the signature is checked separately. */
export function checkRequestFields(request: Omit<RegistrationRequest, 'signature'>): RequestError | null {
	if (!REQUEST_PURPOSES.includes(request.purpose)) {
		return { code: 'request_malformed', field: 'Purpose', message: 'The request’s purpose is unknown.' };
	}
	if (!decodeNonce(request.nonce))
		return { code: 'request_malformed', field: 'Nonce', message: 'The request’s nonce is not valid.' };
	const seen = new Set<string>();
	for (const number of request.licenseNumbers) {
		const parsed = parseLicenseNumber(number);
		if (!parsed.ok || parsed.licenseNumber !== number)
			return {
				code: 'request_malformed',
				field: 'License',
				message: `${number} is not a valid license number.`
			};
		if (seen.has(number))
			return { code: 'request_malformed', field: 'License', message: `${number} is listed twice.` };
		seen.add(number);
	}
	if (request.purpose === 'activate' && request.licenseNumbers.length === 0) {
		return { code: 'request_malformed', field: 'License', message: 'The request names no license number.' };
	}
	if (request.licenseNumbers.length > MAX_REQUEST_LICENSES) {
		return {
			code: 'request_malformed',
			field: 'License',
			message: `A request names at most ${MAX_REQUEST_LICENSES} license numbers.`
		};
	}
	if (!isSupportedTime(request.createdAt)) {
		return {
			code: 'request_malformed',
			field: 'Created-At',
			message: 'The request’s creation time is not valid.'
		};
	}
	if (!isEmail(request.email))
		return { code: 'request_malformed', field: 'Email', message: 'The e-mail address is not valid.' };
	if (deviceIdOf(request.devicePublicKey) !== request.deviceId) {
		return {
			code: 'request_malformed',
			field: 'Device-Id',
			message: 'The device id does not belong to the device key.'
		};
	}
	return null;
}

export async function createRegistrationRequest(input: {
	purpose: RequestPurpose;
	licenseNumbers: string[];
	email: string;
	signer: Signer;
	now: number;
	nonce?: string;
}): Promise<RegistrationRequest> {
	const unsigned = {
		purpose: input.purpose,
		licenseNumbers: input.licenseNumbers,
		email: input.email,
		deviceId: deviceIdOf(input.signer.publicKey),
		devicePublicKey: input.signer.publicKey,
		createdAt: Math.floor(input.now / 1000) * 1000,
		nonce: input.nonce ?? encodeBase64url(randomBytes(NONCE_BYTES))
	};
	const problem = checkRequestFields(unsigned);
	if (problem) throw new RangeError(problem.message);
	return { ...unsigned, signature: await input.signer.sign(requestSignedBytes(unsigned)) };
}

/** Checks the device signature of a request built from any of its encodings. */
export async function verifyRequest(request: RegistrationRequest): Promise<RequestResult> {
	const problem = checkRequestFields(request);
	if (problem) return { ok: false, error: problem };
	if (!(await verify(requestSignedBytes(request), request.signature, request.devicePublicKey))) {
		return requestError(
			'request_bad_signature',
			'The request’s signature does not match its content: it was changed after it was made. Generate a new file.'
		);
	}
	return { ok: true, request };
}

function fromArmorError(error: ArmorError): { ok: false; error: RequestError } {
	switch (error.code) {
		case 'too_large':
			return requestError(
				'request_too_large',
				`This file is too large to be a registration request (${error.detail}).`
			);
		case 'not_armored':
			return requestError('request_not_a_request', 'This is not a registration request (reg.txt).');
		case 'wrong_type':
			return requestError(
				'request_not_a_request',
				error.foundLabel === 'AIRLOCK LICENSE'
					? 'This is a license file, not a registration request. Load it in the License Manager instead.'
					: 'This is not a registration request (reg.txt).'
			);
		case 'unsupported_version':
			return requestError(
				'request_unsupported_version',
				`This request was made by a newer or unknown version (${error.detail}). Update the License Manager and generate it again.`
			);
		case 'malformed':
			return requestError(
				'request_malformed',
				`The request is damaged: ${error.detail}. Generate a new file.`,
				error.field
			);
	}
}

export function formatRegFile(request: RegistrationRequest, portalUrl: string): string {
	const created = formatTimestamp(request.createdAt).replace('T', ' ').replace('Z', ' UTC');
	const preamble = [
		'Airlock registration request (reg.txt)',
		'',
		`Asks for: ${request.purpose === 'refresh' ? 'a refresh of this device’s licenses' : request.licenseNumbers.join(', ')}`,
		`Account e-mail: ${request.email}`,
		`Device: ${request.deviceId}`,
		`Created: ${created}`,
		'',
		'On a computer or phone with internet access:',
		`  1. open ${portalUrl} and sign in,`,
		'  2. click Choose File…, select this file and click Activate,',
		'  3. bring the .license4d files back to this computer and click Load…',
		'     on the Deferred Activation page.',
		'Do not edit the block below: it is signed.',
		'',
		''
	].join('\n');
	return writeArmor(
		REQUEST_SPEC,
		fieldLines(REQUEST_SPEC, valuesOf(request)),
		encodeBase64url(request.signature),
		preamble
	);
}

/** Parses and verifies a reg.txt. Never throws for any input. */
export async function parseRegFile(text: string): Promise<RequestResult> {
	const read = readArmor(text, REQUEST_SPEC);
	if (!read.ok) return fromArmorError(read.error);
	const { values, signature } = read.content;
	const one = (name: string) => values.get(name)![0]!;
	if (one('Algorithm') !== 'Ed25519') {
		return requestError(
			'request_unsupported_algorithm',
			`The request is signed with ${one('Algorithm')}, which this server does not accept.`
		);
	}
	const devicePublicKey = decodeKey(one('Device-Key'));
	const createdAt = parseTimestamp(one('Created-At'));
	if (!devicePublicKey)
		return requestError('request_malformed', 'The request is damaged: not a valid Device-Key.', 'Device-Key');
	if (createdAt === null)
		return requestError('request_malformed', 'The request is damaged: not a valid Created-At.', 'Created-At');
	const request: RegistrationRequest = {
		purpose: one('Purpose') as RequestPurpose,
		licenseNumbers: [...values.get('License')!],
		email: one('Email'),
		deviceId: one('Device-Id'),
		devicePublicKey,
		createdAt,
		nonce: one('Nonce'),
		signature
	};
	return verifyRequest(request);
}
