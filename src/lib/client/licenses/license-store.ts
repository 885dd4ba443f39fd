// Storing verified license files on this device. Each file is decided on its own (import-decision.ts):
// a file that fails stores nothing, and never blocks the others. Reading and removing them, which the
// home page does without loading the formats, is in license-rows.ts.
import type { IssuedLicense, RevokedLicense } from '$lib/protocol/api';
import type { SignedLicense } from '$lib/protocol/license-file';
import type { TrustedKeys } from '$lib/protocol/vendor-keys';
import type { LicenseManagerDatabase } from '../db/database';
import type { LicenseRow } from '../db/schemas';
import {
	decideAgainstStored,
	verifyIncoming,
	type ImportError,
	type StoredLicenseSummary
} from './import-decision';

export { readLicenses, removeLicense } from './license-rows';

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
		// A copy: the license may come from the page's reactive state (a proxy IndexedDB cannot clone).
		expansions: [...license.expansions],
		email: license.email,
		deviceId: license.deviceId,
		issuedAt: license.issuedAt,
		expiresAt: license.expiresAt,
		kid: license.kid,
		storedAt: now,
		status: 'active'
	};
}

/** One file to import: its text (license file or QR text) and where it came from (shown with errors). */
export interface IncomingFile {
	text: string;
	source: string;
}

/** A license file whose signature, device and dates have been checked (verifyIncoming). */
export interface VerifiedFile {
	license: SignedLicense;
	text: string;
	source: string;
}

/**
 * Stores verified license files in one transaction: it reads what is stored for those numbers,
 * decides each file in order (a later file is compared with an earlier one of the same batch) and
 * writes the accepted ones. A refused file stores nothing and never blocks the others. One
 * transaction for the batch, not one per file: storing 1,000 files costs about as much as a few.
 */
export async function storeVerified(
	db: LicenseManagerDatabase,
	files: VerifiedFile[],
	now: number
): Promise<ImportResult[]> {
	const numbers = [...new Set(files.map((file) => file.license.licenseNumber))];
	return db.transaction('rw', db.licenses, async () => {
		const held = new Map<string, StoredLicenseSummary>();
		for (const row of await db.licenses.bulkGet(numbers))
			if (row)
				held.set(row.licenseNumber, {
					licenseNumber: row.licenseNumber,
					kind: row.kind,
					issuedAt: row.issuedAt
				});
		const accepted = new Map<string, LicenseRow>();
		const results = files.map(({ license, text, source }): ImportResult => {
			const existing = held.get(license.licenseNumber) ?? null;
			const refusal = decideAgainstStored(license, existing);
			if (refusal) return { ok: false, error: refusal, source };
			held.set(license.licenseNumber, {
				licenseNumber: license.licenseNumber,
				kind: license.kind,
				issuedAt: license.issuedAt
			});
			accepted.set(license.licenseNumber, rowOf(license, text, now));
			return { ok: true, license, replaced: existing !== null };
		});
		if (accepted.size > 0) await db.licenses.bulkPut([...accepted.values()]);
		return results;
	});
}

/**
 * Verifies and stores license files. The signatures are checked first, side by side and outside
 * the transaction (IndexedDB transactions end when they wait on anything else); then storeVerified.
 */
export async function importLicenses(
	db: LicenseManagerDatabase,
	files: IncomingFile[],
	context: ImportContext
): Promise<ImportResult[]> {
	const verified = await Promise.all(files.map((file) => verifyIncoming(file.text, context)));
	const stored = await storeVerified(
		db,
		verified.flatMap((outcome, i) =>
			outcome.ok ? [{ license: outcome.license, text: outcome.text, source: files[i]!.source }] : []
		),
		context.now
	);
	// Results in the order of the files: the refused ones where they were.
	let next = 0;
	return verified.map((outcome, i) =>
		outcome.ok ? stored[next++]! : { ok: false, error: outcome.error, source: files[i]!.source }
	);
}

/** Verifies and stores one license file (text or QR text); see importLicenses. */
export async function importLicense(
	db: LicenseManagerDatabase,
	text: string,
	context: ImportContext,
	source = 'file'
): Promise<ImportResult> {
	return (await importLicenses(db, [{ text, source }], context))[0]!;
}

/** Stores the files of a server answer (activation or refresh); a file already held is not an error. */
export async function importIssued(
	db: LicenseManagerDatabase,
	issued: IssuedLicense[],
	context: ImportContext
): Promise<ImportResult[]> {
	const results = await importLicenses(
		db,
		issued.map((file) => ({ text: file.file, source: file.fileName })),
		context
	);
	return results.filter((result) => result.ok || result.error.code !== 'license_already_loaded');
}

/**
 * importIssued in two steps, for a caller that stores inside a transaction of its own: the
 * signatures are checked now (outside any transaction), and the returned function stores the files
 * that passed (IndexedDB work only). Files that fail are left out, as importIssued leaves them.
 */
export async function prepareIssued(
	db: LicenseManagerDatabase,
	issued: IssuedLicense[],
	context: ImportContext
): Promise<() => Promise<void>> {
	const verified = await Promise.all(issued.map((file) => verifyIncoming(file.file, context)));
	const files = verified.flatMap((outcome, i) =>
		outcome.ok ? [{ license: outcome.license, text: outcome.text, source: issued[i]!.fileName }] : []
	);
	return async () => {
		if (files.length > 0) await storeVerified(db, files, context.now);
	};
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
