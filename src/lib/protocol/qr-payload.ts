// Compact encodings of requests and licenses for QR codes. Both carry exactly the fields of the
// text formats, and the same signature: decoding rebuilds the canonical text fields, so a verifier
// checks one signature whichever way a request or license travelled.
//
// Request QR: a URL to the portal page, the request in the fragment (never sent to the server by
// the browser, so never in its logs): `<portal URL>#r1=<base64url(request bytes)>`.
// License QR: `AIRLOCK:L1:<base64url(license bytes)>`.
// License batch QR: `AIRLOCK:LB1:<base64url(batch bytes)>`, several licenses of one answer in one
// code, or "part i of n" of a sequence of codes when they do not fit one (the portal shows the parts
// one after the other and the device's camera reads them without a click each).
// The byte layouts are in docs/FORMATS.md.
import { decodeBase64url, encodeBase64url } from './base64url.js';
import { ByteReader, ByteWriter, TruncatedInputError } from './binary.js';
import { fromHex, toHex } from './bytes.js';
import { computeDeviceId } from './device-id.js';
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from './ed25519.js';
import { LICENSE_QR_PREFIX, MAX_QR_TEXT, NONCE_BYTES } from './fields.js';
import {
	LICENSE_KINDS,
	verifyLicense,
	type LicenseResult,
	type SignedLicense,
	type VerifyOptions
} from './license-file.js';
import { formatLicenseNumber, SYMBOL_COUNT } from './license-number.js';
import {
	MAX_REQUEST_LICENSES,
	REQUEST_PURPOSES,
	verifyRequest,
	type RegistrationRequest,
	type RequestResult
} from './reg-file.js';

export const REQUEST_FRAGMENT_PREFIX = '#r1=';
export { LICENSE_QR_PREFIX, MAX_QR_TEXT };
const LAYOUT_VERSION = 1;

const symbolsOf = (number: string) => number.replaceAll('-', '');

function encodeRequestBytes(request: RegistrationRequest): Uint8Array {
	const writer = new ByteWriter()
		.u8(LAYOUT_VERSION)
		.u8(REQUEST_PURPOSES.indexOf(request.purpose))
		.u32(request.createdAt / 1000)
		.bytes(decodeBase64url(request.nonce)!)
		.bytes(request.devicePublicKey)
		.shortString(request.email)
		.u8(request.licenseNumbers.length);
	for (const number of request.licenseNumbers) writer.ascii(symbolsOf(number));
	return writer.bytes(request.signature).toBytes();
}

function qrError(message: string): RequestResult {
	return { ok: false, error: { code: 'request_malformed', message } };
}

/** The portal URL that carries a request, for the QR code a phone's camera opens. */
export function requestQrUrl(request: RegistrationRequest, portalUrl: string): string {
	return `${portalUrl.split('#')[0]}${REQUEST_FRAGMENT_PREFIX}${encodeBase64url(encodeRequestBytes(request))}`;
}

/** Reads a request from a portal URL (or just its fragment) and verifies its signature. Never throws. */
export async function parseRequestQr(text: string): Promise<RequestResult> {
	if (text.length > MAX_QR_TEXT)
		return {
			ok: false,
			error: { code: 'request_too_large', message: 'This QR code is too large to be a registration request.' }
		};
	const at = text.indexOf(REQUEST_FRAGMENT_PREFIX);
	if (at < 0)
		return {
			ok: false,
			error: { code: 'request_not_a_request', message: 'This QR code is not a registration request.' }
		};
	const bytes = decodeBase64url(text.slice(at + REQUEST_FRAGMENT_PREFIX.length));
	if (!bytes) return qrError('The request in this QR code is damaged. Scan it again or generate a new one.');
	const reader = new ByteReader(bytes);
	try {
		const version = reader.u8();
		if (version !== LAYOUT_VERSION) {
			return {
				ok: false,
				error: {
					code: 'request_unsupported_version',
					message: `This request was made by an unknown version (${version}). Update the License Manager and generate it again.`
				}
			};
		}
		const purpose = REQUEST_PURPOSES[reader.u8()];
		const createdAt = reader.u32() * 1000;
		const nonce = encodeBase64url(reader.bytes(NONCE_BYTES));
		const devicePublicKey = reader.bytes(PUBLIC_KEY_BYTES);
		const email = reader.shortString();
		const count = reader.u8();
		if (!purpose || count > MAX_REQUEST_LICENSES) return qrError('The request in this QR code is damaged.');
		const licenseNumbers: string[] = [];
		for (let i = 0; i < count; i++) licenseNumbers.push(formatLicenseNumber(reader.ascii(SYMBOL_COUNT)));
		const signature = reader.bytes(SIGNATURE_BYTES);
		if (reader.remaining !== 0) return qrError('The request in this QR code has trailing data.');
		return verifyRequest({
			purpose,
			licenseNumbers,
			email,
			deviceId: await computeDeviceId(devicePublicKey),
			devicePublicKey,
			createdAt,
			nonce,
			signature
		});
	} catch (error) {
		if (error instanceof TruncatedInputError)
			return qrError('The request in this QR code is incomplete. Scan it again.');
		throw error;
	}
}

/** A license's bytes, as the license QR form and each entry of a batch carry them. */
function encodeLicenseBytes(license: SignedLicense): Uint8Array {
	const writer = new ByteWriter()
		.u8(LAYOUT_VERSION)
		.u8(LICENSE_KINDS.indexOf(license.kind))
		.ascii(symbolsOf(license.licenseNumber))
		.shortString(license.productName)
		.u32(license.quantity)
		.u8(license.parent ? 1 : 0);
	if (license.parent) writer.ascii(symbolsOf(license.parent));
	writer.u8(license.expansions.length);
	for (const number of license.expansions) writer.ascii(symbolsOf(number));
	writer
		.shortString(license.email)
		.bytes(license.devicePublicKey)
		.u32(license.issuedAt / 1000)
		.u32(license.expiresAt === null ? 0 : license.expiresAt / 1000)
		.bytes(decodeBase64url(license.requestNonce)!)
		.bytes(fromHex(license.kid))
		.bytes(license.signature);
	return writer.toBytes();
}

/** The QR text of a license file. */
export function licenseQrText(license: SignedLicense): string {
	return LICENSE_QR_PREFIX + encodeBase64url(encodeLicenseBytes(license));
}

function licenseQrError(message: string): LicenseResult {
	return { ok: false, error: { code: 'license_malformed', message } };
}

/** Reads a license from its QR text and verifies it like a license file. Never throws. */
export async function verifyLicenseQr(text: string, options: VerifyOptions): Promise<LicenseResult> {
	if (text.length > MAX_QR_TEXT)
		return {
			ok: false,
			error: { code: 'license_too_large', message: 'This QR code is too large to be a license.' }
		};
	if (!text.startsWith(LICENSE_QR_PREFIX)) {
		return {
			ok: false,
			error: {
				code: 'license_not_a_license',
				message: text.includes(REQUEST_FRAGMENT_PREFIX)
					? 'This QR code is a registration request, not a license. Scan the license QR code shown by the portal.'
					: 'This QR code is not an Airlock license.'
			}
		};
	}
	const bytes = decodeBase64url(text.slice(LICENSE_QR_PREFIX.length));
	if (!bytes) return licenseQrError('The license in this QR code is damaged. Scan it again.');
	const reader = new ByteReader(bytes);
	try {
		const version = reader.u8();
		if (version !== LAYOUT_VERSION) {
			return {
				ok: false,
				error: {
					code: 'license_unsupported_version',
					message: `This license QR code has an unknown version (${version}). Update the License Manager.`
				}
			};
		}
		const kind = LICENSE_KINDS[reader.u8()];
		const licenseNumber = formatLicenseNumber(reader.ascii(SYMBOL_COUNT));
		const productName = reader.shortString();
		const quantity = reader.u32();
		const hasParent = reader.u8();
		const parent = hasParent === 1 ? formatLicenseNumber(reader.ascii(SYMBOL_COUNT)) : null;
		const expansionCount = reader.u8();
		const expansions: string[] = [];
		for (let i = 0; i < expansionCount; i++) expansions.push(formatLicenseNumber(reader.ascii(SYMBOL_COUNT)));
		const email = reader.shortString();
		const devicePublicKey = reader.bytes(PUBLIC_KEY_BYTES);
		const issuedAt = reader.u32() * 1000;
		const expiresSeconds = reader.u32();
		const requestNonce = encodeBase64url(reader.bytes(NONCE_BYTES));
		const kid = toHex(reader.bytes(8));
		const signature = reader.bytes(SIGNATURE_BYTES);
		if (!kind || hasParent > 1 || reader.remaining !== 0)
			return licenseQrError('The license in this QR code is damaged.');
		const license: SignedLicense = {
			licenseNumber,
			product: licenseNumber.slice(0, 3),
			productName,
			quantity,
			kind,
			parent,
			expansions,
			email,
			deviceId: await computeDeviceId(devicePublicKey),
			devicePublicKey,
			issuedAt,
			expiresAt: expiresSeconds === 0 ? null : expiresSeconds * 1000,
			requestNonce,
			kid,
			signature
		};
		return verifyLicense(license, 'Ed25519', options);
	} catch (error) {
		if (error instanceof TruncatedInputError)
			return licenseQrError('The license in this QR code is incomplete. Scan it again.');
		throw error;
	}
}

export const LICENSE_BATCH_QR_PREFIX = 'AIRLOCK:LB1:';
/**
 * The longest batch text the portal puts in one code: at most a QR version 24 at level M, which a
 * phone's screen shows and a laptop's camera reads at arm's length. A license alone longer than this
 * (hundreds of expansions) still gets a part of its own, up to MAX_QR_TEXT.
 */
export const BATCH_QR_TEXT_TARGET = 1000;
/** At most this many parts in a sequence, and licenses in one part. */
export const MAX_BATCH_PARTS = 32;
export const MAX_BATCH_LICENSES = 32;
/** One license's bytes are never this long (every field is bounded); a longer entry is damage. */
const MAX_BATCH_ENTRY_BYTES = 4096;

export interface LicenseBatchPart {
	/** 1-based, at most `parts`. */
	part: number;
	parts: number;
	/** The answer the parts belong to: the request nonce its licenses were issued for. */
	answerId: string;
	/** Each license of the part as its own license QR text (`AIRLOCK:L1:`), not verified yet. */
	licenseTexts: string[];
}

export type LicenseBatchError = {
	code: 'license_batch_too_large' | 'license_batch_malformed' | 'license_batch_unsupported_version';
	message: string;
};

function batchText(part: number, parts: number, answerId: Uint8Array, entries: Uint8Array[]): string {
	const writer = new ByteWriter().u8(LAYOUT_VERSION).u8(part).u8(parts).bytes(answerId).u8(entries.length);
	for (const entry of entries) writer.u16(entry.length).bytes(entry);
	return LICENSE_BATCH_QR_PREFIX + encodeBase64url(writer.toBytes());
}

/** One code of an answer: its text and the licenses in it, for the caption under it. */
export interface LicenseBatchCode {
	text: string;
	licenseNumbers: string[];
}

/**
 * The codes the portal shows for the licenses of one answer (all issued for one request): as few
 * as fit BATCH_QR_TEXT_TARGET each, in the order given, numbered "part i of n".
 */
export function licenseBatchQrCodes(licenses: readonly SignedLicense[]): LicenseBatchCode[] {
	if (licenses.length === 0) return [];
	const answerId = decodeBase64url(licenses[0]!.requestNonce)!;
	const groups: { entries: Uint8Array[]; licenseNumbers: string[] }[] = [];
	for (const license of licenses) {
		const entry = encodeLicenseBytes(license);
		const last = groups.at(-1);
		// The part number and count take the same room whatever they are: measured with placeholders.
		if (
			last &&
			last.entries.length < MAX_BATCH_LICENSES &&
			batchText(1, 1, answerId, [...last.entries, entry]).length <= BATCH_QR_TEXT_TARGET
		) {
			last.entries.push(entry);
			last.licenseNumbers.push(license.licenseNumber);
		} else groups.push({ entries: [entry], licenseNumbers: [license.licenseNumber] });
	}
	if (groups.length > MAX_BATCH_PARTS) throw new RangeError('too many licenses for one sequence of codes');
	return groups.map((group, i) => ({
		text: batchText(i + 1, groups.length, answerId, group.entries),
		licenseNumbers: group.licenseNumbers
	}));
}

function batchError(message: string): { ok: false; error: LicenseBatchError } {
	return { ok: false, error: { code: 'license_batch_malformed', message } };
}

/**
 * Reads one code of a batch into its parts, each license as its own license QR text for the usual
 * verification (signature, this device, the clock). Checks the structure only. Never throws.
 */
export function parseLicenseBatchQr(
	text: string
): { ok: true; batch: LicenseBatchPart } | { ok: false; error: LicenseBatchError } {
	if (text.length > MAX_QR_TEXT)
		return {
			ok: false,
			error: { code: 'license_batch_too_large', message: 'This QR code is too large to hold license files.' }
		};
	if (!text.startsWith(LICENSE_BATCH_QR_PREFIX)) return batchError('This QR code is not an Airlock license.');
	const bytes = decodeBase64url(text.slice(LICENSE_BATCH_QR_PREFIX.length));
	if (!bytes) return batchError('The licenses in this QR code are damaged. Scan it again.');
	const reader = new ByteReader(bytes);
	try {
		const version = reader.u8();
		if (version !== LAYOUT_VERSION)
			return {
				ok: false,
				error: {
					code: 'license_batch_unsupported_version',
					message: `This license QR code has an unknown version (${version}). Update the License Manager.`
				}
			};
		const part = reader.u8();
		const parts = reader.u8();
		const answerId = toHex(reader.bytes(NONCE_BYTES));
		const count = reader.u8();
		if (parts < 1 || parts > MAX_BATCH_PARTS || part < 1 || part > parts)
			return batchError('The part number of this QR code is damaged. Scan it again.');
		if (count < 1 || count > MAX_BATCH_LICENSES)
			return batchError('The licenses in this QR code are damaged. Scan it again.');
		const licenseTexts: string[] = [];
		for (let i = 0; i < count; i++) {
			const length = reader.u16();
			if (length === 0 || length > MAX_BATCH_ENTRY_BYTES)
				return batchError('The licenses in this QR code are damaged. Scan it again.');
			licenseTexts.push(LICENSE_QR_PREFIX + encodeBase64url(reader.bytes(length)));
		}
		if (reader.remaining !== 0) return batchError('This QR code has trailing data. Scan it again.');
		return { ok: true, batch: { part, parts, answerId, licenseTexts } };
	} catch (error) {
		if (error instanceof TruncatedInputError)
			return batchError('The licenses in this QR code are incomplete. Scan it again.');
		throw error;
	}
}
