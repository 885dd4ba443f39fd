// Emergency uses: what a License Manager stores when it starts an Emergency Activation with no
// network, and later reports to the server (sync operation `emergency-report`). It is signed by the
// device key (domain `airlock/emergency-use/v1`), so the server knows which device used the
// license's one emergency activation, and the device cannot stretch its end date without breaking
// the signature. Specified, with its trust model, in docs/FORMATS-emergency.md.
//
// Basis `code`: the use carries the vendor-signed emergency code, which proves the license number.
// Basis `bare-number`: only a typed license number; nothing offline can prove it exists.
//
// A verifier checks, in this order: size, format and version, field syntax, algorithm, field
// meaning (including the 5-day limit), device signature, device binding (when asked), then the
// embedded code (vendor signature, same license, duration within the code's limit).
import {
	fieldLines,
	readArmor,
	signedBytesOf,
	writeArmor,
	type ArmorError,
	type ArmorSpec
} from './armor.js';
import { encodeBase64url } from './base64url.js';
import { bytesEqual } from './bytes.js';
import { DEVICE_ID_PATTERN } from './device-id.js';
import { deviceIdOf } from './sync-ids.js';
import { verify, type Signer } from './ed25519.js';
import {
	DAY_MS,
	EMERGENCY_CODE_PREFIX,
	EMERGENCY_MAX_DAYS,
	formatEmergencyCode,
	verifyEmergencyCode,
	type EmergencyCode,
	type EmergencyCodeErrorCode
} from './emergency-code.js';
import { decodeKey, formatTimestamp, KEY_PATTERN, parseTimestamp, TIMESTAMP_PATTERN } from './fields.js';
import { LICENSE_NUMBER_PATTERN, parseLicenseNumber } from './license-number.js';
import type { TrustedKeys } from './vendor-keys.js';

export const MAX_EMERGENCY_USE_CHARS = 4096;
export const EMERGENCY_BASES = ['code', 'bare-number'] as const;
export type EmergencyBasis = (typeof EMERGENCY_BASES)[number];
export const EMERGENCY_REPORT_OPERATION = 'emergency-report';
const NONE = '-';
// eslint-disable-next-line no-control-regex -- a product name is one printable line
const PRODUCT_NAME_PATTERN = /^[^\u0000-\u001f\u007f]{1,100}$/u;

export const EMERGENCY_USE_SPEC: ArmorSpec = {
	label: 'AIRLOCK EMERGENCY USE',
	domain: 'airlock/emergency-use/v1',
	format: 'airlock-emergency-use/1',
	maxChars: MAX_EMERGENCY_USE_CHARS,
	fields: [
		{ name: 'License', min: 1, max: 1, pattern: LICENSE_NUMBER_PATTERN },
		{ name: 'Product', min: 1, max: 1, pattern: /^[2-9A-HJ-NP-TV-Z]{3}$/ },
		{ name: 'Product-Name', min: 1, max: 1, pattern: PRODUCT_NAME_PATTERN },
		{ name: 'Basis', min: 1, max: 1, pattern: /^(code|bare-number)$/ },
		{ name: 'Code', min: 1, max: 1, pattern: /^(-|AIRLOCK-EC1:[A-Za-z0-9_-]{1,800})$/ },
		{ name: 'Device-Id', min: 1, max: 1, pattern: DEVICE_ID_PATTERN },
		{ name: 'Device-Key', min: 1, max: 1, pattern: KEY_PATTERN },
		{ name: 'Started-At', min: 1, max: 1, pattern: TIMESTAMP_PATTERN },
		{ name: 'Ends-At', min: 1, max: 1, pattern: TIMESTAMP_PATTERN },
		{ name: 'Algorithm', min: 1, max: 1, pattern: /^[A-Za-z0-9-]{1,20}$/ }
	]
};

export interface EmergencyUsePayload {
	licenseNumber: string;
	product: string;
	/** From the code; null for a bare number (the device cannot know it offline). */
	productName: string | null;
	basis: EmergencyBasis;
	/** The emergency code's compact text, for basis `code`. */
	code: string | null;
	deviceId: string;
	devicePublicKey: Uint8Array;
	/** Device clock, milliseconds since the epoch, whole seconds. */
	startedAt: number;
	endsAt: number;
}

export interface EmergencyUse extends EmergencyUsePayload {
	signature: Uint8Array;
}

export type EmergencyUseErrorCode =
	| 'emergency_use_too_large'
	| 'emergency_use_not_a_use'
	| 'emergency_use_unsupported_version'
	| 'emergency_use_malformed'
	| 'emergency_use_unsupported_algorithm'
	| 'emergency_use_too_long'
	| 'emergency_use_bad_signature'
	| 'emergency_use_wrong_device'
	| 'emergency_use_code_mismatch'
	| 'emergency_use_invalid_license_number';

export interface EmergencyUseError {
	/** An embedded code that fails verification reports the code's own error. */
	code: EmergencyUseErrorCode | EmergencyCodeErrorCode;
	message: string;
	field?: string;
}

type Failure = { ok: false; error: EmergencyUseError };

function failure(code: EmergencyUseErrorCode, message: string, field?: string): Failure {
	return { ok: false, error: field ? { code, message, field } : { code, message } };
}

function valuesOf(use: EmergencyUsePayload): Map<string, string[]> {
	return new Map([
		['License', [use.licenseNumber]],
		['Product', [use.product]],
		['Product-Name', [use.productName ?? NONE]],
		['Basis', [use.basis]],
		['Code', [use.code ?? NONE]],
		['Device-Id', [use.deviceId]],
		['Device-Key', [encodeBase64url(use.devicePublicKey)]],
		['Started-At', [formatTimestamp(use.startedAt)]],
		['Ends-At', [formatTimestamp(use.endsAt)]],
		['Algorithm', ['Ed25519']]
	]);
}

/** The exact bytes the device key signs for an emergency use. */
export function emergencyUseSignedBytes(use: EmergencyUsePayload): Uint8Array {
	return signedBytesOf(EMERGENCY_USE_SPEC, fieldLines(EMERGENCY_USE_SPEC, valuesOf(use)));
}

/** Checks what the fields mean once their syntax is right; signatures are checked separately. */
export function checkEmergencyUseFields(use: EmergencyUsePayload): EmergencyUseError | null {
	const malformed = (field: string, message: string): EmergencyUseError => ({
		code: 'emergency_use_malformed',
		field,
		message: `The emergency activation record is damaged: ${message}`
	});
	const number = parseLicenseNumber(use.licenseNumber);
	if (!number.ok || number.licenseNumber !== use.licenseNumber)
		return malformed('License', 'the license number is not valid.');
	if (use.product !== number.productPrefix)
		return malformed('Product', 'the product does not match the license number.');
	if (!EMERGENCY_BASES.includes(use.basis)) return malformed('Basis', 'the basis is unknown.');
	if ((use.basis === 'code') !== (use.code !== null) || (use.basis === 'code') !== (use.productName !== null))
		return malformed('Basis', 'the basis does not match the code.');
	if (use.productName !== null && (use.productName === NONE || !PRODUCT_NAME_PATTERN.test(use.productName)))
		return malformed('Product-Name', 'the product name is not valid.');
	if (use.devicePublicKey.length !== 32 || deviceIdOf(use.devicePublicKey) !== use.deviceId)
		return malformed('Device-Id', 'the device id does not belong to the device key.');
	for (const [field, time] of [
		['Started-At', use.startedAt],
		['Ends-At', use.endsAt]
	] as const) {
		if (!Number.isSafeInteger(time) || parseTimestamp(formatTimestamp(time)) !== time)
			return malformed(field, 'the date is not valid.');
	}
	if (use.endsAt <= use.startedAt) return malformed('Ends-At', 'it ends before it starts.');
	if (use.endsAt - use.startedAt > EMERGENCY_MAX_DAYS * DAY_MS)
		return {
			code: 'emergency_use_too_long',
			field: 'Ends-At',
			message: `An Emergency Activation lasts ${EMERGENCY_MAX_DAYS} days at most.`
		};
	return null;
}

export function formatEmergencyUse(use: EmergencyUse): string {
	const preamble = [
		`Airlock Emergency Activation of ${use.licenseNumber} on device ${use.deviceId}`,
		`from ${formatTimestamp(use.startedAt)} to ${formatTimestamp(use.endsAt)}.`,
		'Reported to the activation server at the next sync. Do not edit: it is signed.',
		'',
		''
	].join('\n');
	return writeArmor(
		EMERGENCY_USE_SPEC,
		fieldLines(EMERGENCY_USE_SPEC, valuesOf(use)),
		encodeBase64url(use.signature),
		preamble
	);
}

export type CreateEmergencyUseResult =
	{ ok: true; use: EmergencyUse; text: string } | { ok: false; error: EmergencyUseError };

/**
 * Starts an Emergency Activation on this device: for a license number alone (`bare-number`) or with
 * an emergency code the caller has verified with verifyEmergencyCode (`code`). It lasts `days`
 * (default and maximum: the code's limit, never more than EMERGENCY_MAX_DAYS) from `now`.
 */
export async function createEmergencyUse(input: {
	licenseNumber: string;
	code?: EmergencyCode;
	signer: Signer;
	now: number;
	days?: number;
}): Promise<CreateEmergencyUseResult> {
	const number = parseLicenseNumber(input.licenseNumber);
	if (!number.ok) return failure('emergency_use_invalid_license_number', number.error.message, 'License');
	const code = input.code;
	if (code && code.licenseNumber !== number.licenseNumber)
		return failure(
			'emergency_use_code_mismatch',
			`This emergency code is for license ${code.licenseNumber}, not ${number.licenseNumber}.`,
			'Code'
		);
	const limit = Math.min(code?.maxDays ?? EMERGENCY_MAX_DAYS, EMERGENCY_MAX_DAYS);
	const days = input.days ?? limit;
	if (!Number.isInteger(days) || days < 1 || days > limit)
		return failure('emergency_use_too_long', `An Emergency Activation lasts 1 to ${limit} days.`, 'Ends-At');
	const startedAt = Math.floor(input.now / 1000) * 1000;
	const payload: EmergencyUsePayload = {
		licenseNumber: number.licenseNumber,
		product: number.productPrefix,
		productName: code?.productName ?? null,
		basis: code ? 'code' : 'bare-number',
		code: code ? formatEmergencyCode(code) : null,
		deviceId: deviceIdOf(input.signer.publicKey),
		devicePublicKey: input.signer.publicKey,
		startedAt,
		endsAt: startedAt + days * DAY_MS
	};
	const problem = checkEmergencyUseFields(payload);
	if (problem) return { ok: false, error: problem };
	const use = { ...payload, signature: await input.signer.sign(emergencyUseSignedBytes(payload)) };
	return { ok: true, use, text: formatEmergencyUse(use) };
}

function fromArmorError(error: ArmorError): Failure {
	switch (error.code) {
		case 'too_large':
			return failure(
				'emergency_use_too_large',
				'This text is too large to be an emergency activation record.'
			);
		case 'not_armored':
		case 'wrong_type':
			return failure('emergency_use_not_a_use', 'This is not an emergency activation record.');
		case 'unsupported_version':
			return failure(
				'emergency_use_unsupported_version',
				`This emergency activation record has an unknown format (${error.detail}). Update the License Manager.`
			);
		case 'malformed':
			return failure(
				'emergency_use_malformed',
				`The emergency activation record is damaged: ${error.detail}.`,
				error.field
			);
	}
}

/** Reads a use's text (format and syntax only); `algorithm` is checked by the verifier. Never throws. */
export function parseEmergencyUse(
	text: string
): { ok: true; use: EmergencyUse; algorithm: string } | Failure {
	if (typeof text !== 'string')
		return failure('emergency_use_not_a_use', 'This is not an emergency activation record.');
	const read = readArmor(text, EMERGENCY_USE_SPEC);
	if (!read.ok) return fromArmorError(read.error);
	const { values, signature } = read.content;
	const one = (name: string) => values.get(name)![0]!;
	const devicePublicKey = decodeKey(one('Device-Key'));
	const startedAt = parseTimestamp(one('Started-At'));
	const endsAt = parseTimestamp(one('Ends-At'));
	if (!devicePublicKey || startedAt === null || endsAt === null)
		return failure(
			'emergency_use_malformed',
			'The emergency activation record is damaged: a key or date is not valid.'
		);
	const productName = one('Product-Name');
	const code = one('Code');
	const use: EmergencyUse = {
		licenseNumber: one('License'),
		product: one('Product'),
		productName: productName === NONE ? null : productName,
		basis: one('Basis') as EmergencyBasis,
		code: code === NONE ? null : code,
		deviceId: one('Device-Id'),
		devicePublicKey,
		startedAt,
		endsAt,
		signature
	};
	return { ok: true, use, algorithm: one('Algorithm') };
}

export interface VerifyEmergencyUseOptions {
	/** The vendor's keys, to verify an embedded emergency code. */
	trustedKeys: TrustedKeys;
	/** For the embedded code's issued-at check. */
	now: number;
	/** When set, the use must have been made by this device. */
	devicePublicKey?: Uint8Array;
}

export type EmergencyUseResult =
	{ ok: true; use: EmergencyUse; code: EmergencyCode | null } | { ok: false; error: EmergencyUseError };

/** Parses and verifies an emergency use in the documented order. Never throws. */
export async function verifyEmergencyUse(
	text: string,
	options: VerifyEmergencyUseOptions
): Promise<EmergencyUseResult> {
	const parsed = parseEmergencyUse(text);
	if (!parsed.ok) return parsed;
	const { use, algorithm } = parsed;
	if (algorithm !== 'Ed25519')
		return failure(
			'emergency_use_unsupported_algorithm',
			`This record is signed with ${algorithm.slice(0, 20)}, which is not accepted.`
		);
	const problem = checkEmergencyUseFields(use);
	if (problem) return { ok: false, error: problem };
	if (!(await verify(emergencyUseSignedBytes(use), use.signature, use.devicePublicKey)))
		return failure(
			'emergency_use_bad_signature',
			'This emergency activation record was changed after the device made it.'
		);
	if (options.devicePublicKey && !bytesEqual(options.devicePublicKey, use.devicePublicKey))
		return failure(
			'emergency_use_wrong_device',
			`This emergency activation was made on another device (${use.deviceId}).`
		);
	if (use.code === null) return { ok: true, use, code: null };
	const checked = await verifyEmergencyCode(use.code, {
		trustedKeys: options.trustedKeys,
		now: options.now,
		licenseNumber: use.licenseNumber
	});
	if (!checked.ok) return checked;
	const code = checked.code;
	if (code.productName !== use.productName || !use.code.startsWith(EMERGENCY_CODE_PREFIX))
		return failure('emergency_use_code_mismatch', 'The emergency code does not match this record.', 'Code');
	if (use.endsAt - use.startedAt > code.maxDays * DAY_MS)
		return failure(
			'emergency_use_too_long',
			`This emergency code allows ${code.maxDays} days at most.`,
			'Ends-At'
		);
	return { ok: true, use, code };
}

/**
 * Whole days left (rounded up) at `now`: 0 once it has ended. A `now` before the start (a clock set
 * back) counts from the start, so no clock change ever yields more than the days that were signed.
 * Pass the device's trusted time (its time high-water mark), not the raw clock.
 */
export function emergencyDaysLeft(
	use: Pick<EmergencyUsePayload, 'startedAt' | 'endsAt'>,
	now: number
): number {
	const left = use.endsAt - Math.max(now, use.startedAt);
	return left <= 0 ? 0 : Math.ceil(left / DAY_MS);
}

/** Whether the Emergency Activation still runs at `now` (the trusted time, as above). */
export function isEmergencyUseActive(use: Pick<EmergencyUsePayload, 'endsAt'>, now: number): boolean {
	return now < use.endsAt;
}
