// License files (`.license4d`): the vendor's signed statement that a license is active on one device.
// Specified in docs/FORMATS.md; the compact QR form is in qr-payload.ts.
//
// A verifier checks, in this order, each failure with its own code: format and version, algorithm,
// known key id, signature, device binding, issued-at not in the future (5 minutes of tolerance),
// not expired.
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
import { computeDeviceId, DEVICE_ID_PATTERN } from './device-id.js';
import { verify } from './ed25519.js';
import {
	decodeKey,
	decodeNonce,
	formatTimestamp,
	fitsTextField,
	ISSUED_AT_TOLERANCE_MS,
	isEmail,
	isSupportedTime,
	KEY_PATTERN,
	NONCE_PATTERN,
	parseTimestamp,
	TIMESTAMP_PATTERN
} from './fields.js';
import { LICENSE_NUMBER_PATTERN, parseLicenseNumber } from './license-number.js';
import { KEY_ID_PATTERN, type TrustedKeys } from './vendor-keys.js';

export const MAX_LICENSE_FILE_CHARS = 16 * 1024;
export const MAX_EXPANSIONS = 32;
export { ISSUED_AT_TOLERANCE_MS } from './fields.js';
export const LICENSE_KINDS = ['standard', 'temporary', 'emergency'] as const;
export type LicenseKind = (typeof LICENSE_KINDS)[number];
export const LICENSE_FILE_EXTENSION = '.license4d';

const NONE = '-';
// eslint-disable-next-line no-control-regex -- a product name is one printable line
const PRODUCT_NAME_PATTERN = /^[^\u0000-\u001f\u007f\u0085\u2028\u2029]{1,100}$/u;

export const LICENSE_SPEC: ArmorSpec = {
	label: 'AIRLOCK LICENSE',
	domain: 'airlock/license/v1',
	format: 'airlock-license/1',
	maxChars: MAX_LICENSE_FILE_CHARS,
	fields: [
		{ name: 'License', min: 1, max: 1, pattern: LICENSE_NUMBER_PATTERN },
		{ name: 'Product', min: 1, max: 1, pattern: /^[2-9A-HJ-NP-TV-Z]{3}$/ },
		{ name: 'Product-Name', min: 1, max: 1, pattern: PRODUCT_NAME_PATTERN },
		{ name: 'Quantity', min: 1, max: 1, pattern: /^[1-9]\d{0,8}$/ },
		{ name: 'Kind', min: 1, max: 1, pattern: /^(standard|temporary|emergency)$/ },
		{
			name: 'Parent',
			min: 1,
			max: 1,
			pattern: new RegExp(`^(-|${LICENSE_NUMBER_PATTERN.source.slice(1, -1)})$`)
		},
		{ name: 'Expansion', min: 0, max: MAX_EXPANSIONS, pattern: LICENSE_NUMBER_PATTERN },
		{ name: 'Email', min: 1, max: 1, pattern: /^\S{3,254}$/ },
		{ name: 'Device-Id', min: 1, max: 1, pattern: DEVICE_ID_PATTERN },
		{ name: 'Device-Key', min: 1, max: 1, pattern: KEY_PATTERN },
		{ name: 'Issued-At', min: 1, max: 1, pattern: TIMESTAMP_PATTERN },
		{
			name: 'Expires-At',
			min: 1,
			max: 1,
			pattern: new RegExp(`^(-|${TIMESTAMP_PATTERN.source.slice(1, -1)})$`)
		},
		{ name: 'Request-Nonce', min: 1, max: 1, pattern: NONCE_PATTERN },
		{ name: 'Algorithm', min: 1, max: 1, pattern: /^[A-Za-z0-9-]{1,20}$/ },
		{ name: 'Key-Id', min: 1, max: 1, pattern: KEY_ID_PATTERN }
	]
};

export interface LicensePayload {
	licenseNumber: string;
	/** Product code: the license number's prefix. */
	product: string;
	productName: string;
	/** What the license counts, e.g. 10 client connections for an expansion; 1 otherwise. */
	quantity: number;
	kind: LicenseKind;
	/** For an expansion: the license number it extends. */
	parent: string | null;
	/** License numbers of the expansions attached to this license. */
	expansions: string[];
	email: string;
	deviceId: string;
	devicePublicKey: Uint8Array;
	/** Milliseconds since the epoch, whole seconds. */
	issuedAt: number;
	expiresAt: number | null;
	/** The nonce of the request this file answers. */
	requestNonce: string;
	/** Key id of the vendor key that signed it. */
	kid: string;
}

export interface SignedLicense extends LicensePayload {
	signature: Uint8Array;
}

export type LicenseErrorCode =
	| 'license_too_large'
	| 'license_not_a_license'
	| 'license_unsupported_version'
	| 'license_malformed'
	| 'license_unsupported_algorithm'
	| 'license_unknown_key'
	| 'license_bad_signature'
	| 'license_wrong_device'
	| 'license_issued_in_future'
	| 'license_expired';

export interface LicenseError {
	code: LicenseErrorCode;
	message: string;
	field?: string;
}

export type LicenseResult = { ok: true; license: SignedLicense } | { ok: false; error: LicenseError };

function licenseError(
	code: LicenseErrorCode,
	message: string,
	field?: string
): { ok: false; error: LicenseError } {
	return { ok: false, error: field ? { code, message, field } : { code, message } };
}

function valuesOf(license: LicensePayload, algorithm = 'Ed25519'): Map<string, string[]> {
	return new Map([
		['License', [license.licenseNumber]],
		['Product', [license.product]],
		['Product-Name', [license.productName]],
		['Quantity', [String(license.quantity)]],
		['Kind', [license.kind]],
		['Parent', [license.parent ?? NONE]],
		['Expansion', license.expansions],
		['Email', [license.email]],
		['Device-Id', [license.deviceId]],
		['Device-Key', [encodeBase64url(license.devicePublicKey)]],
		['Issued-At', [formatTimestamp(license.issuedAt)]],
		['Expires-At', [license.expiresAt === null ? NONE : formatTimestamp(license.expiresAt)]],
		['Request-Nonce', [license.requestNonce]],
		['Algorithm', [algorithm]],
		['Key-Id', [license.kid]]
	]);
}

/** The exact bytes the vendor key signs for a license. */
export function licenseSignedBytes(license: LicensePayload): Uint8Array {
	return signedBytesOf(LICENSE_SPEC, fieldLines(LICENSE_SPEC, valuesOf(license)));
}

/** Checks what the fields mean once their syntax is right (the same for every encoding). */
const malformed = (field: string, message: string): LicenseError => ({
	code: 'license_malformed',
	field,
	message: `The license file is damaged: ${message}`
});

export function checkLicenseFields(license: LicensePayload): LicenseError | null {
	const number = parseLicenseNumber(license.licenseNumber);
	if (!number.ok || number.licenseNumber !== license.licenseNumber)
		return malformed('License', 'the license number is not valid.');
	if (license.product !== number.productPrefix)
		return malformed('Product', 'the product does not match the license number.');
	if (!PRODUCT_NAME_PATTERN.test(license.productName) || !fitsTextField(license.productName))
		return malformed('Product-Name', 'the product name is not valid.');
	if (!Number.isInteger(license.quantity) || license.quantity < 1 || license.quantity > 999_999_999)
		return malformed('Quantity', 'the quantity is not valid.');
	if (!LICENSE_KINDS.includes(license.kind)) return malformed('Kind', 'the kind is unknown.');
	for (const other of [...(license.parent ? [license.parent] : []), ...license.expansions]) {
		const parsed = parseLicenseNumber(other);
		if (!parsed.ok || parsed.licenseNumber !== other)
			return malformed(
				other === license.parent ? 'Parent' : 'Expansion',
				`${other} is not a valid license number.`
			);
	}
	if (
		new Set(license.expansions).size !== license.expansions.length ||
		license.expansions.length > MAX_EXPANSIONS
	) {
		return malformed('Expansion', 'the expansions are not valid.');
	}
	if (!isEmail(license.email)) return malformed('Email', 'the e-mail address is not valid.');
	if (!isSupportedTime(license.issuedAt)) return malformed('Issued-At', 'the issue time is not valid.');
	if (license.expiresAt !== null && !isSupportedTime(license.expiresAt))
		return malformed('Expires-At', 'the expiry time is not valid.');
	if (license.expiresAt !== null && license.expiresAt <= license.issuedAt)
		return malformed('Expires-At', 'it expires before it was issued.');
	if (!decodeNonce(license.requestNonce))
		return malformed('Request-Nonce', 'the request nonce is not valid.');
	if (!KEY_ID_PATTERN.test(license.kid)) return malformed('Key-Id', 'the key id is not valid.');
	return null;
}

/**
 * checkLicenseFields, then whether the device id belongs to the device key: hashed natively
 * (WebCrypto, node:crypto), so a page that only verifies licenses carries no JavaScript SHA-512.
 */
export async function checkLicense(license: LicensePayload): Promise<LicenseError | null> {
	const problem = checkLicenseFields(license);
	if (problem) return problem;
	if (
		license.devicePublicKey.length !== 32 ||
		(await computeDeviceId(license.devicePublicKey)) !== license.deviceId
	)
		return malformed('Device-Id', 'the device id does not belong to the device key.');
	return null;
}

export async function signLicense(
	payload: LicensePayload,
	sign: (message: Uint8Array) => Promise<Uint8Array> | Uint8Array
): Promise<SignedLicense> {
	const problem = await checkLicense(payload);
	if (problem) throw new RangeError(problem.message);
	return { ...payload, signature: await sign(licenseSignedBytes(payload)) };
}

export function formatLicenseFile(license: SignedLicense): string {
	const preamble = [
		`Airlock license file — ${license.productName} (${license.licenseNumber})`,
		`Device ${license.deviceId}, issued ${formatTimestamp(license.issuedAt)}.`,
		'To install it: License Manager → Deferred Activation → Next → Load…, and select this file.',
		'Do not edit the block below: it is signed, and any change makes it invalid.',
		'',
		''
	].join('\n');
	return writeArmor(
		LICENSE_SPEC,
		fieldLines(LICENSE_SPEC, valuesOf(license)),
		encodeBase64url(license.signature),
		preamble
	);
}

/** A license file's name: its license number, e.g. `SRV-5BQ7-MKXD-3H99.license4d`. */
export function licenseFileName(license: LicensePayload): string {
	return `${license.licenseNumber}${LICENSE_FILE_EXTENSION}`;
}

function fromArmorError(error: ArmorError): { ok: false; error: LicenseError } {
	switch (error.code) {
		case 'too_large':
			return licenseError(
				'license_too_large',
				`This file is too large to be a license file (${error.detail}).`
			);
		case 'not_armored':
			return licenseError('license_not_a_license', 'This is not a license file. Choose a .license4d file.');
		case 'wrong_type':
			return licenseError(
				'license_not_a_license',
				error.foundLabel === 'AIRLOCK REQUEST'
					? 'This is a registration request (reg.txt), not a license file. Take it to the activation portal; load the .license4d files you get back.'
					: 'This is not a license file. Choose a .license4d file.'
			);
		case 'unsupported_version':
			return licenseError(
				'license_unsupported_version',
				`This license file has a format this License Manager does not know (${error.detail}). Update the License Manager.`
			);
		case 'malformed':
			return licenseError(
				'license_malformed',
				`The license file is damaged: ${error.detail}. Download it again.`,
				error.field
			);
	}
}

/**
 * Reads a license file's text (format, version and field syntax only). Never throws.
 * `algorithm` is returned apart: it is checked by the verifier, in its place in the order.
 */
export function parseLicenseFile(
	text: string
): { ok: true; license: SignedLicense; algorithm: string } | { ok: false; error: LicenseError } {
	const read = readArmor(text, LICENSE_SPEC);
	if (!read.ok) return fromArmorError(read.error);
	const { values, signature } = read.content;
	const one = (name: string) => values.get(name)![0]!;
	const devicePublicKey = decodeKey(one('Device-Key'));
	const issuedAt = parseTimestamp(one('Issued-At'));
	const expiresText = one('Expires-At');
	const expiresAt = expiresText === NONE ? null : parseTimestamp(expiresText);
	if (!devicePublicKey)
		return licenseError(
			'license_malformed',
			'The license file is damaged: not a valid Device-Key.',
			'Device-Key'
		);
	if (issuedAt === null)
		return licenseError(
			'license_malformed',
			'The license file is damaged: not a valid Issued-At.',
			'Issued-At'
		);
	if (expiresText !== NONE && expiresAt === null)
		return licenseError(
			'license_malformed',
			'The license file is damaged: not a valid Expires-At.',
			'Expires-At'
		);
	const parent = one('Parent');
	const license: SignedLicense = {
		licenseNumber: one('License'),
		product: one('Product'),
		productName: one('Product-Name'),
		quantity: Number(one('Quantity')),
		kind: one('Kind') as LicenseKind,
		parent: parent === NONE ? null : parent,
		expansions: [...values.get('Expansion')!],
		email: one('Email'),
		deviceId: one('Device-Id'),
		devicePublicKey,
		issuedAt,
		expiresAt,
		requestNonce: one('Request-Nonce'),
		kid: one('Key-Id'),
		signature
	};
	return { ok: true, license, algorithm: one('Algorithm') };
}

export interface VerifyOptions {
	trustedKeys: TrustedKeys;
	/** The public key of the device the license must be bound to. */
	devicePublicKey: Uint8Array;
	/**
	 * The time to check the issue and expiry times against, or null to leave them to the caller (a
	 * license check that judges time on its own trusted clock, after verifying once).
	 */
	now: number | null;
}

/** Verifies a license read from any encoding, in the documented order. */
export async function verifyLicense(
	license: SignedLicense,
	algorithm: string,
	options: VerifyOptions
): Promise<LicenseResult> {
	if (algorithm !== 'Ed25519')
		return licenseError(
			'license_unsupported_algorithm',
			`This license is signed with ${algorithm.slice(0, 20)}, which the License Manager does not accept.`
		);
	const problem = await checkLicense(license);
	if (problem) return { ok: false, error: problem };
	const key = options.trustedKeys.get(license.kid);
	if (!key)
		return licenseError(
			'license_unknown_key',
			'This license was signed by a key this computer does not trust. Check that it comes from your vendor, or Refresh to update the trusted keys.'
		);
	if (!(await verify(licenseSignedBytes(license), license.signature, key.publicKey))) {
		return licenseError(
			'license_bad_signature',
			'This license file has been changed since it was issued, so it cannot be used. Download it again.'
		);
	}
	if (!bytesEqual(license.devicePublicKey, options.devicePublicKey)) {
		return licenseError(
			'license_wrong_device',
			`This license file is for another device (${license.deviceId}). Activate the license on this device to get its own file.`
		);
	}
	if (options.now === null) return { ok: true, license };
	if (license.issuedAt > options.now + ISSUED_AT_TOLERANCE_MS) {
		return licenseError(
			'license_issued_in_future',
			'This license file is dated in the future: check this computer’s date and time.'
		);
	}
	if (license.expiresAt !== null && license.expiresAt <= options.now) {
		return licenseError(
			'license_expired',
			`This license expired on ${formatTimestamp(license.expiresAt).slice(0, 10)}. Refresh or contact your vendor for a renewed license.`
		);
	}
	return { ok: true, license };
}

/** Parses and verifies a license file. Never throws. */
export async function verifyLicenseFile(text: string, options: VerifyOptions): Promise<LicenseResult> {
	const parsed = parseLicenseFile(text);
	if (!parsed.ok) return parsed;
	return verifyLicense(parsed.license, parsed.algorithm, options);
}
