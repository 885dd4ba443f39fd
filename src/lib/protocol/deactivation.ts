// Deactivation statements: an offline device's signed word that it gave a license up, carried to
// the server (by file or QR code) so the seat it held is freed. Specified in docs/FORMATS.md.
//
// The statement binds the license, the device (its key signs it), the activation it ends (the
// issue time of the license file the device held: the server matches it to the one seat the device
// held when that file was issued) and a unique nonce with the time it was made.
//
// Text form (`deactivation.txt`): an armored block like reg.txt (armor.ts).
// QR form: `<portal URL>#d1=<base64url(statement bytes)>`, a link the phone's camera opens.
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
import { randomBytes } from './bytes.js';
import { computeDeviceId, DEVICE_ID_PATTERN } from './device-id.js';
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES, verify, type Signer } from './ed25519.js';
import {
	decodeKey,
	decodeNonce,
	formatTimestamp,
	isSupportedTime,
	KEY_PATTERN,
	MAX_QR_TEXT,
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
import { deviceIdOf } from './sync-ids.js';

export const MAX_DEACTIVATION_FILE_CHARS = 8 * 1024;
export const DEACTIVATION_FILE_NAME = 'deactivation.txt';
export const DEACTIVATION_FRAGMENT_PREFIX = '#d1=';
const LAYOUT_VERSION = 1;

export const DEACTIVATION_SPEC: ArmorSpec = {
	label: 'AIRLOCK DEACTIVATION',
	domain: 'airlock/deactivation/v1',
	format: 'airlock-deactivation/1',
	maxChars: MAX_DEACTIVATION_FILE_CHARS,
	fields: [
		{ name: 'License', min: 1, max: 1, pattern: LICENSE_NUMBER_PATTERN },
		{ name: 'Device-Id', min: 1, max: 1, pattern: DEVICE_ID_PATTERN },
		{ name: 'Device-Key', min: 1, max: 1, pattern: KEY_PATTERN },
		{ name: 'License-Issued-At', min: 1, max: 1, pattern: TIMESTAMP_PATTERN },
		{ name: 'Deactivated-At', min: 1, max: 1, pattern: TIMESTAMP_PATTERN },
		{ name: 'Nonce', min: 1, max: 1, pattern: NONCE_PATTERN },
		{ name: 'Algorithm', min: 1, max: 1, pattern: /^[A-Za-z0-9-]{1,20}$/ }
	]
};

export interface DeactivationStatement {
	licenseNumber: string;
	deviceId: string;
	devicePublicKey: Uint8Array;
	/** Issue time of the license file the device gave up (ms, whole seconds): the activation it ends. */
	licenseIssuedAt: number;
	/** When the device gave the license up (ms, whole seconds). */
	deactivatedAt: number;
	/** 16 random bytes, base64url: names this statement. */
	nonce: string;
	signature: Uint8Array;
}

export type DeactivationErrorCode =
	| 'deactivation_too_large'
	| 'deactivation_not_a_statement'
	| 'deactivation_unsupported_version'
	| 'deactivation_malformed'
	| 'deactivation_bad_signature';

export interface DeactivationError {
	code: DeactivationErrorCode;
	message: string;
	field?: string;
}

export type DeactivationResult =
	{ ok: true; statement: DeactivationStatement } | { ok: false; error: DeactivationError };

function failure(
	code: DeactivationErrorCode,
	message: string,
	field?: string
): { ok: false; error: DeactivationError } {
	return { ok: false, error: field ? { code, message, field } : { code, message } };
}

type Unsigned = Omit<DeactivationStatement, 'signature'>;

function valuesOf(statement: Unsigned): Map<string, string[]> {
	return new Map([
		['License', [statement.licenseNumber]],
		['Device-Id', [statement.deviceId]],
		['Device-Key', [encodeBase64url(statement.devicePublicKey)]],
		['License-Issued-At', [formatTimestamp(statement.licenseIssuedAt)]],
		['Deactivated-At', [formatTimestamp(statement.deactivatedAt)]],
		['Nonce', [statement.nonce]],
		['Algorithm', ['Ed25519']]
	]);
}

/** The exact bytes the device signs for a statement. */
export function deactivationSignedBytes(statement: Unsigned): Uint8Array {
	return signedBytesOf(DEACTIVATION_SPEC, fieldLines(DEACTIVATION_SPEC, valuesOf(statement)));
}

function checkFields(statement: Unsigned): DeactivationError | null {
	const parsed = parseLicenseNumber(statement.licenseNumber);
	if (!parsed.ok || parsed.licenseNumber !== statement.licenseNumber)
		return { code: 'deactivation_malformed', field: 'License', message: 'The license number is not valid.' };
	if (!decodeNonce(statement.nonce))
		return { code: 'deactivation_malformed', field: 'Nonce', message: 'The statement’s nonce is not valid.' };
	if (!isSupportedTime(statement.licenseIssuedAt) || statement.licenseIssuedAt % 1000 !== 0)
		return {
			code: 'deactivation_malformed',
			field: 'License-Issued-At',
			message: 'The license’s issue time is not valid.'
		};
	if (!isSupportedTime(statement.deactivatedAt) || statement.deactivatedAt % 1000 !== 0)
		return {
			code: 'deactivation_malformed',
			field: 'Deactivated-At',
			message: 'The deactivation time is not valid.'
		};
	if (
		statement.devicePublicKey.length !== PUBLIC_KEY_BYTES ||
		deviceIdOf(statement.devicePublicKey) !== statement.deviceId
	)
		return {
			code: 'deactivation_malformed',
			field: 'Device-Id',
			message: 'The device id does not belong to the device key.'
		};
	return null;
}

/** The device's signed statement that it gave up the license whose file was issued at `licenseIssuedAt`. */
export async function createDeactivationStatement(input: {
	licenseNumber: string;
	licenseIssuedAt: number;
	signer: Signer;
	now: number;
	nonce?: string;
}): Promise<DeactivationStatement> {
	const unsigned: Unsigned = {
		licenseNumber: input.licenseNumber,
		deviceId: deviceIdOf(input.signer.publicKey),
		devicePublicKey: input.signer.publicKey,
		licenseIssuedAt: Math.floor(input.licenseIssuedAt / 1000) * 1000,
		deactivatedAt: Math.floor(input.now / 1000) * 1000,
		nonce: input.nonce ?? encodeBase64url(randomBytes(NONCE_BYTES))
	};
	const problem = checkFields(unsigned);
	if (problem) throw new RangeError(problem.message);
	return { ...unsigned, signature: await input.signer.sign(deactivationSignedBytes(unsigned)) };
}

/** Checks the fields and the device's signature of a statement read from either encoding. */
export async function verifyDeactivation(statement: DeactivationStatement): Promise<DeactivationResult> {
	const problem = checkFields(statement);
	if (problem) return { ok: false, error: problem };
	if (!(await verify(deactivationSignedBytes(statement), statement.signature, statement.devicePublicKey)))
		return failure(
			'deactivation_bad_signature',
			'The deactivation statement’s signature does not match its content: it was changed after it was made. Show the statement again in the License Manager and bring that copy.'
		);
	return { ok: true, statement };
}

function fromArmorError(error: ArmorError): { ok: false; error: DeactivationError } {
	switch (error.code) {
		case 'too_large':
			return failure(
				'deactivation_too_large',
				`This file is too large to be a deactivation statement (${error.detail}).`
			);
		case 'not_armored':
		case 'wrong_type':
			return failure(
				'deactivation_not_a_statement',
				'This is not a deactivation statement (deactivation.txt).'
			);
		case 'unsupported_version':
			return failure(
				'deactivation_unsupported_version',
				`This statement was made by a newer or unknown version (${error.detail}). Update the License Manager.`
			);
		case 'malformed':
			return failure(
				'deactivation_malformed',
				`The deactivation statement is damaged: ${error.detail}. Show it again in the License Manager and bring that copy.`,
				error.field
			);
	}
}

export function formatDeactivationFile(statement: DeactivationStatement, portalUrl: string): string {
	const when = (ms: number) => formatTimestamp(ms).replace('T', ' ').replace('Z', ' UTC');
	const preamble = [
		'Airlock deactivation statement (deactivation.txt)',
		'',
		`License ${statement.licenseNumber} was deactivated on device ${statement.deviceId}`,
		`on ${when(statement.deactivatedAt)}. Its seat is freed once the server has this statement:`,
		`  open ${portalUrl} on a computer or phone with internet access,`,
		'  and load this file under "Deactivation statement".',
		'Do not edit the block below: it is signed.',
		'',
		''
	].join('\n');
	return writeArmor(
		DEACTIVATION_SPEC,
		fieldLines(DEACTIVATION_SPEC, valuesOf(statement)),
		encodeBase64url(statement.signature),
		preamble
	);
}

/** Parses and verifies a deactivation.txt. Never throws for any input. */
export async function parseDeactivationFile(text: string): Promise<DeactivationResult> {
	const read = readArmor(text, DEACTIVATION_SPEC);
	if (!read.ok) return fromArmorError(read.error);
	const { values, signature } = read.content;
	const one = (name: string) => values.get(name)![0]!;
	if (one('Algorithm') !== 'Ed25519')
		return failure(
			'deactivation_malformed',
			`The statement is signed with ${one('Algorithm')}, which is not accepted.`,
			'Algorithm'
		);
	const devicePublicKey = decodeKey(one('Device-Key'));
	const licenseIssuedAt = parseTimestamp(one('License-Issued-At'));
	const deactivatedAt = parseTimestamp(one('Deactivated-At'));
	if (!devicePublicKey)
		return failure(
			'deactivation_malformed',
			'The statement is damaged: not a valid Device-Key.',
			'Device-Key'
		);
	if (licenseIssuedAt === null || deactivatedAt === null)
		return failure('deactivation_malformed', 'The statement is damaged: not a valid time.', 'Deactivated-At');
	return verifyDeactivation({
		licenseNumber: one('License'),
		deviceId: one('Device-Id'),
		devicePublicKey,
		licenseIssuedAt,
		deactivatedAt,
		nonce: one('Nonce'),
		signature
	});
}

function statementBytes(statement: DeactivationStatement): Uint8Array {
	return new ByteWriter()
		.u8(LAYOUT_VERSION)
		.ascii(statement.licenseNumber.replaceAll('-', ''))
		.bytes(statement.devicePublicKey)
		.u32(statement.licenseIssuedAt / 1000)
		.u32(statement.deactivatedAt / 1000)
		.bytes(decodeBase64url(statement.nonce)!)
		.bytes(statement.signature)
		.toBytes();
}

/** The portal URL that carries a statement, for the QR code a phone's camera opens. */
export function deactivationQrUrl(statement: DeactivationStatement, portalUrl: string): string {
	return `${portalUrl.split('#')[0]}${DEACTIVATION_FRAGMENT_PREFIX}${encodeBase64url(statementBytes(statement))}`;
}

/** Reads a statement from a portal URL (or just its fragment) and verifies it. Never throws. */
export async function parseDeactivationQr(text: string): Promise<DeactivationResult> {
	if (text.length > MAX_QR_TEXT)
		return failure('deactivation_too_large', 'This QR code is too large to be a deactivation statement.');
	const at = text.indexOf(DEACTIVATION_FRAGMENT_PREFIX);
	if (at < 0) return failure('deactivation_not_a_statement', 'This QR code is not a deactivation statement.');
	const bytes = decodeBase64url(text.slice(at + DEACTIVATION_FRAGMENT_PREFIX.length));
	const damaged = 'The deactivation statement in this QR code is damaged. Scan it again.';
	if (!bytes) return failure('deactivation_malformed', damaged);
	const reader = new ByteReader(bytes);
	try {
		const version = reader.u8();
		if (version !== LAYOUT_VERSION)
			return failure(
				'deactivation_unsupported_version',
				`This statement was made by an unknown version (${version}). Update the License Manager.`
			);
		const symbols = reader.ascii(SYMBOL_COUNT);
		const devicePublicKey = reader.bytes(PUBLIC_KEY_BYTES);
		const licenseIssuedAt = reader.u32() * 1000;
		const deactivatedAt = reader.u32() * 1000;
		const nonce = encodeBase64url(reader.bytes(NONCE_BYTES));
		const signature = reader.bytes(SIGNATURE_BYTES);
		if (reader.remaining !== 0) return failure('deactivation_malformed', damaged);
		return verifyDeactivation({
			licenseNumber: formatLicenseNumber(symbols),
			deviceId: await computeDeviceId(devicePublicKey),
			devicePublicKey,
			licenseIssuedAt,
			deactivatedAt,
			nonce,
			signature
		});
	} catch (error) {
		if (error instanceof TruncatedInputError)
			return failure(
				'deactivation_malformed',
				'The deactivation statement in this QR code is incomplete. Scan it again.'
			);
		throw error;
	}
}

/** Reads a statement in either text form: the file, or the portal URL of its QR code. Never throws. */
export function parseDeactivationText(text: string): Promise<DeactivationResult> {
	const trimmed = text.trim();
	return trimmed.includes(DEACTIVATION_FRAGMENT_PREFIX) && !trimmed.includes('-----BEGIN')
		? parseDeactivationQr(trimmed)
		: parseDeactivationFile(text);
}
