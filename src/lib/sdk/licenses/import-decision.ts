// Whether a license file brought to this device (Instant Activation's answer, a loaded .license4d,
// a scanned QR code, Refresh) may be stored, and what it replaces. Pure: storage is the caller's.
import {
	MAX_LICENSE_FILE_CHARS,
	verifyLicenseFile,
	type LicenseError,
	type SignedLicense,
	type VerifyOptions
} from '$lib/protocol/license-file.js';
import { LICENSE_QR_PREFIX, verifyLicenseQr, type LicenseBatchError } from '$lib/protocol/qr-payload.js';

/** What the device already holds for a license number. */
export interface StoredLicenseSummary {
	licenseNumber: string;
	kind: SignedLicense['kind'];
	issuedAt: number;
}

export type ImportErrorCode =
	| LicenseError['code']
	| LicenseBatchError['code']
	| 'license_already_loaded'
	| 'license_older_than_stored'
	| 'file_too_large'
	| 'file_unreadable';

export interface ImportError {
	code: ImportErrorCode;
	message: string;
}

/**
 * A file is refused before it is read when it is larger than any license file can be (UTF-8 uses at
 * most 4 bytes per character), so a huge file never reaches the parser.
 */
export function fileSizeError(size: number): ImportError | null {
	return size > MAX_LICENSE_FILE_CHARS * 4
		? {
				code: 'file_too_large',
				message: 'This file is far too large to be a license file. Choose a .license4d file.'
			}
		: null;
}

/** Verifies a license file or QR text against the trusted keys, this device and the clock. */
export async function verifyIncoming(
	text: string,
	options: VerifyOptions
): Promise<{ ok: true; license: SignedLicense; text: string } | { ok: false; error: ImportError }> {
	const trimmed = text.trim();
	const isQr = trimmed.startsWith(LICENSE_QR_PREFIX);
	const verified = isQr ? await verifyLicenseQr(trimmed, options) : await verifyLicenseFile(text, options);
	return verified.ok ? { ok: true, license: verified.license, text: isQr ? trimmed : text } : verified;
}

/** Whether a verified license may replace what the device holds for its number. */
export function decideAgainstStored(
	license: SignedLicense,
	existing: StoredLicenseSummary | null
): ImportError | null {
	// A real license always replaces an emergency one for the same number, whatever its date.
	if (!existing || existing.kind === 'emergency') return null;
	if (existing.issuedAt === license.issuedAt) {
		return {
			code: 'license_already_loaded',
			message: `License ${license.licenseNumber} is already loaded on this device.`
		};
	}
	if (existing.issuedAt > license.issuedAt) {
		return {
			code: 'license_older_than_stored',
			message: `This file for ${license.licenseNumber} is older than the one already on this device, so it was not loaded.`
		};
	}
	return null;
}
