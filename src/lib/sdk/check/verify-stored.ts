// Reading a stored license back from what was signed, not from the row's columns: a check must hold
// even if someone edits the storage (changes an expiry, copies a row from another computer). Each
// signed text is verified once per set of trusted keys (signature, key, device binding); its dates
// are judged at every check, on the trusted clock (evaluate.ts).
import { parseLicenseFile, verifyLicense, type LicenseErrorCode } from '$lib/protocol/license-file.js';
import { LICENSE_QR_PREFIX } from '$lib/protocol/fields.js';
import type { TrustedKeys } from '$lib/protocol/vendor-keys.js';
import type { CheckReason } from './reasons.js';

/** What a verified signed text says about its license. */
export interface LicenseFacts {
	licenseNumber: string;
	product: string;
	productName: string;
	quantity: number;
	kind: 'standard' | 'temporary' | 'emergency';
	parent: string | null;
	expansions: string[];
	email: string;
	issuedAt: number;
	expiresAt: number | null;
}

export type Verified = { ok: true; facts: LicenseFacts } | { ok: false; reason: CheckReason };

export interface VerifyContext {
	trustedKeys: TrustedKeys;
	devicePublicKey: Uint8Array;
	/** The trusted time, for an emergency code's own issue date. */
	now: number;
}

const EMERGENCY_USE_LABEL = '-----BEGIN AIRLOCK EMERGENCY USE-----';

function reasonOfLicenseError(code: LicenseErrorCode): CheckReason {
	switch (code) {
		case 'license_unknown_key':
			return 'unknown_key';
		case 'license_wrong_device':
			return 'other_device';
		case 'license_expired':
			return 'expired';
		case 'license_issued_in_future':
			return 'not_yet_valid';
		default:
			return 'tampered';
	}
}

/** Verifies one stored signed text: a license file, its QR form, or an emergency use. Never throws. */
export async function verifyStored(text: string, context: VerifyContext): Promise<Verified> {
	const trimmed = text.trim();
	if (trimmed.includes(EMERGENCY_USE_LABEL)) {
		// Loaded only for an emergency use (5 days, once per device): a page that checks ordinary
		// licenses does not carry the emergency formats.
		const { verifyEmergencyUse } = await import('$lib/protocol/emergency-license.js');
		const verified = await verifyEmergencyUse(text, {
			trustedKeys: context.trustedKeys,
			devicePublicKey: context.devicePublicKey,
			now: context.now
		});
		if (!verified.ok)
			return {
				ok: false,
				reason:
					verified.error.code === 'emergency_use_wrong_device'
						? 'other_device'
						: verified.error.code === 'emergency_code_unknown_key'
							? 'unknown_key'
							: 'tampered'
			};
		const { use } = verified;
		return {
			ok: true,
			facts: {
				licenseNumber: use.licenseNumber,
				product: use.product,
				productName: use.productName ?? use.product,
				quantity: 1,
				kind: 'emergency',
				parent: null,
				expansions: [],
				email: verified.code?.email ?? '',
				issuedAt: use.startedAt,
				expiresAt: use.endsAt
			}
		};
	}
	const options = { trustedKeys: context.trustedKeys, devicePublicKey: context.devicePublicKey, now: null };
	let result;
	if (trimmed.startsWith(LICENSE_QR_PREFIX)) {
		// The QR form is loaded only for a license that came by QR code, as the emergency formats are.
		const { verifyLicenseQr } = await import('$lib/protocol/qr-payload.js');
		result = await verifyLicenseQr(trimmed, options);
	} else {
		const parsed = parseLicenseFile(text);
		result = parsed.ok ? await verifyLicense(parsed.license, parsed.algorithm, options) : parsed;
	}
	if (!result.ok) return { ok: false, reason: reasonOfLicenseError(result.error.code) };
	const { license } = result;
	return {
		ok: true,
		facts: {
			licenseNumber: license.licenseNumber,
			product: license.product,
			productName: license.productName,
			quantity: license.quantity,
			kind: license.kind,
			parent: license.parent,
			expansions: license.expansions,
			email: license.email,
			issuedAt: license.issuedAt,
			expiresAt: license.expiresAt
		}
	};
}

const CACHE_LIMIT = 4096;

/**
 * verifyStored with a memory of the texts that verified, for one set of trusted keys and one device:
 * a check after the first costs no signature. Failures are not kept (a key may arrive later).
 */
export function verificationCache(context: Omit<VerifyContext, 'now'>) {
	const verified = new Map<string, Promise<Verified>>();
	return (text: string, now: number): Promise<Verified> => {
		let result = verified.get(text);
		if (!result) {
			if (verified.size >= CACHE_LIMIT) verified.delete(verified.keys().next().value!);
			result = verifyStored(text, { ...context, now });
			verified.set(text, result);
			void result.then((outcome) => {
				if (!outcome.ok) verified.delete(text);
			});
		}
		return result;
	};
}
