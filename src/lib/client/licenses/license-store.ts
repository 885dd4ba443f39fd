// Storing verified license files on this device. Each file is decided on its own (import-decision.ts)
// and stored in its own transaction: a file that fails stores nothing, and never blocks the others.
import type { IssuedLicense, RevokedLicense } from '$lib/protocol/api';
import type { SignedLicense } from '$lib/protocol/license-file';
import type { TrustedKeys } from '$lib/protocol/vendor-keys';
import type { LicenseManagerDatabase } from '../db/database';
import { licenseRowSchema, type LicenseRow } from '../db/schemas';
import { decideAgainstStored, verifyIncoming, type ImportError } from './import-decision';

export interface ImportContext {
	trustedKeys: TrustedKeys;
	devicePublicKey: Uint8Array;
	now: number;
}

export type ImportResult =
	{ ok: true; license: SignedLicense; replaced: boolean } | { ok: false; error: ImportError; source: string };

function rowOf(license: SignedLicense, text: string, now: number): LicenseRow {
	return {
		licenseNumber: license.licenseNumber,
		fileText: text,
		product: license.product,
		productName: license.productName,
		quantity: license.quantity,
		kind: license.kind,
		parent: license.parent,
		expansions: license.expansions,
		email: license.email,
		deviceId: license.deviceId,
		issuedAt: license.issuedAt,
		expiresAt: license.expiresAt,
		kid: license.kid,
		storedAt: now,
		status: 'active'
	};
}

/** Every stored license, each row checked: a damaged row is left out, never crashes the list. */
export async function readLicenses(db: LicenseManagerDatabase): Promise<LicenseRow[]> {
	const rows = await db.licenses.toArray();
	return rows.flatMap((row) => {
		const parsed = licenseRowSchema.safeParse(row);
		return parsed.success ? [parsed.data] : [];
	});
}

/**
 * Verifies and stores one license file (text or QR text). The signature is checked first, outside
 * the transaction (IndexedDB transactions end when they wait on anything else); the comparison with
 * what is stored and the write happen together inside it.
 */
export async function importLicense(
	db: LicenseManagerDatabase,
	text: string,
	context: ImportContext,
	source = 'file'
): Promise<ImportResult> {
	const verified = await verifyIncoming(text, context);
	if (!verified.ok) return { ok: false, error: verified.error, source };
	const { license } = verified;
	return db.transaction('rw', db.licenses, async () => {
		const row = await db.licenses.get(license.licenseNumber);
		const existing = row
			? { licenseNumber: row.licenseNumber, kind: row.kind, issuedAt: row.issuedAt }
			: null;
		const refusal = decideAgainstStored(license, existing);
		if (refusal) return { ok: false as const, error: refusal, source };
		await db.licenses.put(rowOf(license, verified.text, context.now));
		return { ok: true as const, license, replaced: existing !== null };
	});
}

/** Stores the files of a server answer (activation or refresh); a file already held is not an error. */
export async function importIssued(
	db: LicenseManagerDatabase,
	issued: IssuedLicense[],
	context: ImportContext
): Promise<ImportResult[]> {
	const results: ImportResult[] = [];
	for (const file of issued) results.push(await importLicense(db, file.file, context, file.fileName));
	return results.filter((result) => result.ok || result.error.code !== 'license_already_loaded');
}

/** Marks licenses the server says this device may no longer use; they stay visible, never deleted. */
export async function applyRevocations(db: LicenseManagerDatabase, revoked: RevokedLicense[]): Promise<void> {
	await db.transaction('rw', db.licenses, async () => {
		for (const entry of revoked) {
			await db.licenses.update(entry.licenseNumber, {
				status: entry.reason === 'seat_released' ? 'deactivated' : 'revoked'
			});
		}
	});
}

export async function removeLicense(db: LicenseManagerDatabase, licenseNumber: string): Promise<void> {
	await db.licenses.delete(licenseNumber);
}
