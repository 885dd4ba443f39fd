// Emergency codes: the vendor's signed, one-use permission for one license to start an Emergency
// Activation (5 days at most) on a computer that cannot reach the server. The owner fetches the code
// while online, prints it (QR code + text) and keeps it; the License Manager accepts it offline.
// Specified in docs/FORMATS-emergency.md.
//
// Two encodings carry the same fields and the same signature (over the canonical field lines, as in
// armor.ts, with the domain `airlock/emergency-code/v1`):
//   - the compact text `AIRLOCK-EC1:<base64url(bytes)>`, for pasting and for the QR code;
//   - the printable sheet: a few readable lines and the armored block `AIRLOCK EMERGENCY CODE`.
// A verifier checks, in this order, each failure with its own code: size, encoding and version,
// field syntax, algorithm, field meaning, known key id, signature, issued-at not in the future,
// and (when asked) the license number.
import {
	fieldLines,
	readArmor,
	signedBytesOf,
	writeArmor,
	type ArmorError,
	type ArmorSpec
} from './armor.js';
import { decodeBase64url, encodeBase64url } from './base64url.js';
import { ByteReader, ByteWriter, TruncatedInputError } from './binary.js';
import { fromHex, toHex, utf8 } from './bytes.js';
import { SIGNATURE_BYTES, verify } from './ed25519.js';
import {
	decodeNonce,
	formatTimestamp,
	isEmail,
	ISSUED_AT_TOLERANCE_MS,
	MAX_TEXT_BYTES,
	NONCE_BYTES,
	NONCE_PATTERN,
	parseTimestamp,
	TIMESTAMP_PATTERN
} from './fields.js';
import {
	formatLicenseNumber,
	LICENSE_NUMBER_PATTERN,
	parseLicenseNumber,
	SYMBOL_COUNT
} from './license-number.js';
import { KEY_ID_PATTERN, type TrustedKeys } from './vendor-keys.js';

/** The longest an Emergency Activation may last, whatever a code or a device says. */
export const EMERGENCY_MAX_DAYS = 5;
export const DAY_MS = 86_400_000;
export const EMERGENCY_CODE_PREFIX = 'AIRLOCK-EC1:';
/** Longest text accepted (a whole printed sheet pasted back), checked before any decoding. */
export const MAX_EMERGENCY_CODE_CHARS = 8 * 1024;
/**
 * The largest byte layout (§1.2 of FORMATS-emergency.md): version, the license number's 15 symbols,
 * a product name and an e-mail of at most 255 bytes each with their length bytes, Issued-At,
 * Code-Id, Max-Days, Key-Id and the signature: 621 bytes.
 */
const MAX_LAYOUT_BYTES = 1 + SYMBOL_COUNT + (1 + MAX_TEXT_BYTES) * 2 + 4 + 16 + 1 + 8 + SIGNATURE_BYTES;
/** Longest compact form: the prefix and the largest layout in base64url (840 characters). */
export const MAX_EMERGENCY_CODE_COMPACT_CHARS =
	EMERGENCY_CODE_PREFIX.length + Math.ceil((MAX_LAYOUT_BYTES * 4) / 3);
export const CODE_ID_BYTES = NONCE_BYTES;
const LAYOUT_VERSION = 1;
// eslint-disable-next-line no-control-regex -- a product name is one printable line
const PRODUCT_NAME_PATTERN = /^[^\u0000-\u001f\u007f]{1,100}$/u;

export const EMERGENCY_CODE_SPEC: ArmorSpec = {
	label: 'AIRLOCK EMERGENCY CODE',
	domain: 'airlock/emergency-code/v1',
	format: 'airlock-emergency-code/1',
	maxChars: MAX_EMERGENCY_CODE_CHARS,
	fields: [
		{ name: 'License', min: 1, max: 1, pattern: LICENSE_NUMBER_PATTERN },
		{ name: 'Product', min: 1, max: 1, pattern: /^[2-9A-HJ-NP-TV-Z]{3}$/ },
		{ name: 'Product-Name', min: 1, max: 1, pattern: PRODUCT_NAME_PATTERN },
		{ name: 'Email', min: 1, max: 1, pattern: /^\S{3,254}$/ },
		{ name: 'Issued-At', min: 1, max: 1, pattern: TIMESTAMP_PATTERN },
		{ name: 'Code-Id', min: 1, max: 1, pattern: NONCE_PATTERN },
		{ name: 'Max-Days', min: 1, max: 1, pattern: /^[1-9]$/ },
		{ name: 'Algorithm', min: 1, max: 1, pattern: /^[A-Za-z0-9-]{1,20}$/ },
		{ name: 'Key-Id', min: 1, max: 1, pattern: /^[0-9A-Za-z]{1,32}$/ }
	]
};

export interface EmergencyCodePayload {
	licenseNumber: string;
	/** The license number's prefix. */
	product: string;
	productName: string;
	/** The e-mail of the account that owns the license. */
	email: string;
	/** Milliseconds since the epoch, whole seconds. */
	issuedAt: number;
	/** 16 random bytes, base64url: names this code. */
	codeId: string;
	/** How many days the Emergency Activation may last: 1 to EMERGENCY_MAX_DAYS. */
	maxDays: number;
	kid: string;
}

export interface EmergencyCode extends EmergencyCodePayload {
	signature: Uint8Array;
}

export type EmergencyCodeErrorCode =
	| 'emergency_code_too_large'
	| 'emergency_code_not_a_code'
	| 'emergency_code_unsupported_version'
	| 'emergency_code_malformed'
	| 'emergency_code_unsupported_algorithm'
	| 'emergency_code_unknown_key'
	| 'emergency_code_bad_signature'
	| 'emergency_code_issued_in_future'
	| 'emergency_code_wrong_license';

export interface EmergencyCodeError {
	code: EmergencyCodeErrorCode;
	message: string;
	field?: string;
}

export type EmergencyCodeResult =
	{ ok: true; code: EmergencyCode } | { ok: false; error: EmergencyCodeError };

type Failure = { ok: false; error: EmergencyCodeError };

function failure(code: EmergencyCodeErrorCode, message: string, field?: string): Failure {
	return { ok: false, error: field ? { code, message, field } : { code, message } };
}

function valuesOf(code: EmergencyCodePayload, algorithm = 'Ed25519'): Map<string, string[]> {
	return new Map([
		['License', [code.licenseNumber]],
		['Product', [code.product]],
		['Product-Name', [code.productName]],
		['Email', [code.email]],
		['Issued-At', [formatTimestamp(code.issuedAt)]],
		['Code-Id', [code.codeId]],
		['Max-Days', [String(code.maxDays)]],
		['Algorithm', [algorithm]],
		['Key-Id', [code.kid]]
	]);
}

/** The exact bytes the vendor key signs for an emergency code. */
export function emergencyCodeSignedBytes(code: EmergencyCodePayload): Uint8Array {
	return signedBytesOf(EMERGENCY_CODE_SPEC, fieldLines(EMERGENCY_CODE_SPEC, valuesOf(code)));
}

/** Checks what the fields mean once their syntax is right (the same for both encodings). */
export function checkEmergencyCodeFields(code: EmergencyCodePayload): EmergencyCodeError | null {
	const malformed = (field: string, message: string): EmergencyCodeError => ({
		code: 'emergency_code_malformed',
		field,
		message: `This emergency code is damaged: ${message}`
	});
	const number = parseLicenseNumber(code.licenseNumber);
	if (!number.ok || number.licenseNumber !== code.licenseNumber)
		return malformed('License', 'the license number is not valid.');
	if (code.product !== number.productPrefix)
		return malformed('Product', 'the product does not match the license number.');
	// The compact form carries it with a one-byte length.
	if (!PRODUCT_NAME_PATTERN.test(code.productName) || utf8(code.productName).length > MAX_TEXT_BYTES)
		return malformed('Product-Name', 'the product name is not valid.');
	if (!isEmail(code.email)) return malformed('Email', 'the e-mail address is not valid.');
	if (
		!Number.isSafeInteger(code.issuedAt) ||
		parseTimestamp(formatTimestamp(code.issuedAt)) !== code.issuedAt
	)
		return malformed('Issued-At', 'the date is not valid.');
	if (!decodeNonce(code.codeId)) return malformed('Code-Id', 'the code id is not valid.');
	if (!Number.isInteger(code.maxDays) || code.maxDays < 1 || code.maxDays > EMERGENCY_MAX_DAYS)
		return malformed('Max-Days', `an emergency activation lasts 1 to ${EMERGENCY_MAX_DAYS} days.`);
	if (!KEY_ID_PATTERN.test(code.kid)) return malformed('Key-Id', 'the key id is not valid.');
	return null;
}

export interface CodeSigner {
	kid: string;
	sign(message: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/** Signs an emergency code (server side). Throws RangeError on fields a caller should never pass. */
export async function signEmergencyCode(
	payload: Omit<EmergencyCodePayload, 'kid'>,
	signer: CodeSigner
): Promise<EmergencyCode> {
	const unsigned = { ...payload, issuedAt: Math.floor(payload.issuedAt / 1000) * 1000, kid: signer.kid };
	const problem = checkEmergencyCodeFields(unsigned);
	if (problem) throw new RangeError(problem.message);
	return { ...unsigned, signature: await signer.sign(emergencyCodeSignedBytes(unsigned)) };
}

/** The compact text: what is pasted, and what the QR code holds. */
export function formatEmergencyCode(code: EmergencyCode): string {
	const bytes = new ByteWriter()
		.u8(LAYOUT_VERSION)
		.ascii(code.licenseNumber.replaceAll('-', ''))
		.shortString(code.productName)
		.shortString(code.email)
		.u32(code.issuedAt / 1000)
		.bytes(decodeBase64url(code.codeId)!)
		.u8(code.maxDays)
		.bytes(fromHex(code.kid))
		.bytes(code.signature)
		.toBytes();
	return EMERGENCY_CODE_PREFIX + encodeBase64url(bytes);
}

/** The sheet to print (with the compact text as a QR code beside it) and keep for an emergency. */
export function formatEmergencyCodeSheet(code: EmergencyCode): string {
	const preamble = [
		`Airlock emergency code — ${code.productName} (${code.licenseNumber})`,
		`Account: ${code.email}. Issued ${formatTimestamp(code.issuedAt).slice(0, 10)}.`,
		'',
		`If this computer cannot reach the activation server, this code starts an Emergency Activation`,
		`of up to ${code.maxDays} days: License Manager → Emergency Activation, then scan the QR code or`,
		'paste the code below. It can be used only once, on one computer: keep it somewhere safe.',
		'',
		'Code:',
		formatEmergencyCode(code),
		'',
		'Do not edit the block below: it is signed.',
		'',
		''
	].join('\n');
	return writeArmor(
		EMERGENCY_CODE_SPEC,
		fieldLines(EMERGENCY_CODE_SPEC, valuesOf(code)),
		encodeBase64url(code.signature),
		preamble
	);
}

function fromArmorError(error: ArmorError): Failure {
	switch (error.code) {
		case 'too_large':
			return failure('emergency_code_too_large', 'This text is too large to be an emergency code.');
		case 'not_armored':
		case 'wrong_type':
			return failure('emergency_code_not_a_code', 'This is not an Airlock emergency code.');
		case 'unsupported_version':
			return failure(
				'emergency_code_unsupported_version',
				`This emergency code has a format this License Manager does not know (${error.detail}). Update the License Manager.`
			);
		case 'malformed':
			return failure(
				'emergency_code_malformed',
				`This emergency code is damaged: ${error.detail}.`,
				error.field
			);
	}
}

type Parsed = { ok: true; code: EmergencyCode; algorithm: string } | Failure;

function parseSheet(text: string): Parsed {
	const read = readArmor(text, EMERGENCY_CODE_SPEC);
	if (!read.ok) return fromArmorError(read.error);
	const { values, signature } = read.content;
	const one = (name: string) => values.get(name)![0]!;
	const issuedAt = parseTimestamp(one('Issued-At'));
	if (issuedAt === null)
		return failure(
			'emergency_code_malformed',
			'This emergency code is damaged: not a valid Issued-At.',
			'Issued-At'
		);
	const code: EmergencyCode = {
		licenseNumber: one('License'),
		product: one('Product'),
		productName: one('Product-Name'),
		email: one('Email'),
		issuedAt,
		codeId: one('Code-Id'),
		maxDays: Number(one('Max-Days')),
		kid: one('Key-Id'),
		signature
	};
	return { ok: true, code, algorithm: one('Algorithm') };
}

function parseCompact(text: string): Parsed {
	const damaged = () =>
		failure('emergency_code_malformed', 'This emergency code is damaged. Scan or paste it again.');
	const compact = text.replace(/\s+/g, '');
	if (compact.length > MAX_EMERGENCY_CODE_COMPACT_CHARS)
		return failure('emergency_code_too_large', 'This text is too large to be an emergency code.');
	if (!compact.startsWith(EMERGENCY_CODE_PREFIX)) {
		return /^AIRLOCK-EC\d+:/.test(compact)
			? failure(
					'emergency_code_unsupported_version',
					'This emergency code has a format this License Manager does not know. Update the License Manager.'
				)
			: failure('emergency_code_not_a_code', 'This is not an Airlock emergency code.');
	}
	const bytes = decodeBase64url(compact.slice(EMERGENCY_CODE_PREFIX.length));
	if (!bytes) return damaged();
	const reader = new ByteReader(bytes);
	try {
		const version = reader.u8();
		if (version !== LAYOUT_VERSION)
			return failure(
				'emergency_code_unsupported_version',
				`This emergency code has an unknown layout (${version}). Update the License Manager.`
			);
		const licenseNumber = formatLicenseNumber(reader.ascii(SYMBOL_COUNT));
		const productName = reader.shortString();
		const email = reader.shortString();
		const issuedAt = reader.u32() * 1000;
		const codeId = encodeBase64url(reader.bytes(CODE_ID_BYTES));
		const maxDays = reader.u8();
		const kid = toHex(reader.bytes(8));
		const signature = reader.bytes(SIGNATURE_BYTES);
		if (reader.remaining !== 0) return damaged();
		const code: EmergencyCode = {
			licenseNumber,
			product: licenseNumber.slice(0, 3),
			productName,
			email,
			issuedAt,
			codeId,
			maxDays,
			kid,
			signature
		};
		return { ok: true, code, algorithm: 'Ed25519' };
	} catch (error) {
		if (error instanceof TruncatedInputError) return damaged();
		throw error;
	}
}

/**
 * Reads an emergency code from its compact text or its printed sheet (format and syntax only).
 * `algorithm` is returned apart: the verifier checks it in its place in the order. Never throws.
 */
export function parseEmergencyCode(text: string): Parsed {
	if (typeof text !== 'string' || text.length > MAX_EMERGENCY_CODE_CHARS)
		return failure('emergency_code_too_large', 'This text is too large to be an emergency code.');
	return text.includes('-----BEGIN ') ? parseSheet(text) : parseCompact(text);
}

export interface VerifyEmergencyCodeOptions {
	trustedKeys: TrustedKeys;
	now: number;
	/** When set, the code must be for this license (canonical form). */
	licenseNumber?: string;
}

/** Verifies a parsed code in the documented order. */
export async function verifyParsedEmergencyCode(
	code: EmergencyCode,
	algorithm: string,
	options: VerifyEmergencyCodeOptions
): Promise<EmergencyCodeResult> {
	if (algorithm !== 'Ed25519')
		return failure(
			'emergency_code_unsupported_algorithm',
			`This emergency code is signed with ${algorithm.slice(0, 20)}, which the License Manager does not accept.`
		);
	const problem = checkEmergencyCodeFields(code);
	if (problem) return { ok: false, error: problem };
	const key = options.trustedKeys.get(code.kid);
	if (!key)
		return failure(
			'emergency_code_unknown_key',
			'This emergency code was signed by a key this computer does not trust. Check that it comes from your vendor.'
		);
	if (!(await verify(emergencyCodeSignedBytes(code), code.signature, key.publicKey)))
		return failure(
			'emergency_code_bad_signature',
			'This emergency code has been changed since it was issued, so it cannot be used.'
		);
	if (code.issuedAt > options.now + ISSUED_AT_TOLERANCE_MS)
		return failure(
			'emergency_code_issued_in_future',
			'This emergency code is dated in the future: check this computer’s date and time.'
		);
	if (options.licenseNumber !== undefined && options.licenseNumber !== code.licenseNumber)
		return failure(
			'emergency_code_wrong_license',
			`This emergency code is for license ${code.licenseNumber}, not ${options.licenseNumber.slice(0, 20)}.`
		);
	return { ok: true, code };
}

/** Parses and verifies an emergency code (compact text or printed sheet). Never throws. */
export async function verifyEmergencyCode(
	text: string,
	options: VerifyEmergencyCodeOptions
): Promise<EmergencyCodeResult> {
	const parsed = parseEmergencyCode(text);
	if (!parsed.ok) return parsed;
	return verifyParsedEmergencyCode(parsed.code, parsed.algorithm, options);
}
