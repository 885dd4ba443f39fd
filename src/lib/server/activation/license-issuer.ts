// Builds and signs the license files for one activation: the license itself and one file per
// expansion attached to it.
import type { IssuedLicense } from '$lib/protocol/api';
import {
	formatLicenseFile,
	licenseFileName,
	signLicense,
	type LicensePayload
} from '$lib/protocol/license-file';
import type { RegistrationRequest } from '$lib/protocol/reg-file';
import type { LicenseWithExpansions } from '../catalogue/licenses.repository';
import type { License, Product } from '../db/schema';

const DAY_MS = 86_400_000;

/** The vendor's active signing key, as the issuer sees it: it can sign, never reveal. */
export interface LicenseSigner {
	kid: string;
	sign(message: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/**
 * When a file for this license stops being valid: the license's own expiry, and for a temporary
 * license also the end of its renewal period from now (Refresh brings a new file before then).
 */
export function fileExpiry(license: License, now: number): number | null {
	const renewalEnd =
		license.kind === 'temporary' && license.renewal_days ? now + license.renewal_days * DAY_MS : null;
	if (license.expires_at === null) return renewalEnd;
	return renewalEnd === null ? license.expires_at : Math.min(license.expires_at, renewalEnd);
}

/** Whether the license can no longer be used at all. */
export function isExpired(license: License, now: number): boolean {
	return license.expires_at !== null && license.expires_at <= now;
}

function payloadFor(
	entry: { license: License; product: Product },
	extra: { parent: string | null; expansions: string[] },
	request: RegistrationRequest,
	email: string,
	kid: string,
	now: number
): LicensePayload {
	const issuedAt = Math.floor(now / 1000) * 1000;
	const expiresAt = fileExpiry(entry.license, now);
	return {
		licenseNumber: entry.license.number,
		product: entry.license.product_code,
		productName: entry.product.name,
		quantity: entry.license.quantity,
		kind: entry.license.kind,
		parent: extra.parent,
		expansions: extra.expansions,
		email,
		deviceId: request.deviceId,
		devicePublicKey: request.devicePublicKey,
		issuedAt,
		// Whole seconds, as the formats carry them, and never at or before the issue time.
		expiresAt: expiresAt === null ? null : Math.max(Math.floor(expiresAt / 1000) * 1000, issuedAt + 1000),
		requestNonce: request.nonce,
		kid
	};
}

async function issue(payload: LicensePayload, signer: LicenseSigner): Promise<IssuedLicense> {
	const license = await signLicense(payload, (message) => signer.sign(message));
	return {
		licenseNumber: license.licenseNumber,
		fileName: licenseFileName(license),
		file: formatLicenseFile(license)
	};
}

/** The files for a license and its live expansions (expired expansions are left out). */
export async function issueLicenseFiles(
	entry: LicenseWithExpansions,
	request: RegistrationRequest,
	email: string,
	signer: LicenseSigner,
	now: number
): Promise<IssuedLicense[]> {
	const expansions = entry.expansions.filter((expansion) => !isExpired(expansion.license, now));
	const main = payloadFor(
		entry,
		{ parent: null, expansions: expansions.map((e) => e.license.number) },
		request,
		email,
		signer.kid,
		now
	);
	const files = [await issue(main, signer)];
	for (const expansion of expansions) {
		files.push(
			await issue(
				payloadFor(
					expansion,
					{ parent: entry.license.number, expansions: [] },
					request,
					email,
					signer.kid,
					now
				),
				signer
			)
		);
	}
	return files;
}
