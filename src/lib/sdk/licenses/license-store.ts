// Storing verified license files on this device. Each file is decided on its own (import-decision.ts):
// a file that fails stores nothing, and never blocks the others. Reading and removing them, which the
// home page does without loading the formats, is in license-rows.ts.
import type { IssuedLicense, RevokedLicense } from '$lib/protocol/api.js';
import type { SignedLicense } from '$lib/protocol/license-file.js';
import type { TrustedKeys } from '$lib/protocol/vendor-keys.js';
import type { LicenseStorage, StorageTransaction } from '../platform/storage.js';
import { licenseRowSchema, type LicenseRow } from '../rows.js';
import {
	decideAgainstStored,
	verifyIncoming,
	type ImportError,
	type StoredLicenseSummary
} from './import-decision.js';

export { readLicenses, removeLicense } from './license-rows.js';

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
export async function storeVerifiedIn(
	tx: StorageTransaction,
	files: VerifiedFile[],
	now: number
): Promise<ImportResult[]> {
	const numbers = [...new Set(files.map((file) => file.license.licenseNumber))];
	const held = await heldSummaries(tx, numbers);
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
	if (accepted.size > 0) await tx.putMany('licenses', [...accepted.values()]);
	return results;
}

/** What the device holds for these license numbers (damaged rows count as nothing held). */
export async function heldSummaries(
	tx: StorageTransaction,
	numbers: readonly string[]
): Promise<Map<string, StoredLicenseSummary>> {
	const held = new Map<string, StoredLicenseSummary>();
	for (const stored of await tx.getMany('licenses', numbers)) {
		const row = licenseRowSchema.safeParse(stored);
		if (row.success)
			held.set(row.data.licenseNumber, {
				licenseNumber: row.data.licenseNumber,
				kind: row.data.kind,
				issuedAt: row.data.issuedAt
			});
	}
	return held;
}

/** storeVerifiedIn in a transaction of its own. */
export function storeVerified(
	storage: LicenseStorage,
	files: VerifiedFile[],
	now: number
): Promise<ImportResult[]> {
	return storage.transaction('rw', ['licenses'], (tx) => storeVerifiedIn(tx, files, now));
}

/**
 * Verifies and stores license files. The signatures are checked first, side by side and outside
 * the transaction (IndexedDB transactions end when they wait on anything else); then storeVerified.
 */
export async function importLicenses(
	storage: LicenseStorage,
	files: IncomingFile[],
	context: ImportContext
): Promise<ImportResult[]> {
	const verified = await Promise.all(files.map((file) => verifyIncoming(file.text, context)));
	const stored = await storeVerified(
		storage,
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
/**
 * The files of a server answer (activation or refresh) in two steps, for a caller that stores inside
 * a transaction of its own: the signatures are checked now (outside any transaction), and the
 * returned function stores the files that passed. A file already held is not an error (the same
 * answer may come twice); a file that fails verification is reported, never stored.
 */
export async function prepareIssued(
	issued: IssuedLicense[],
	context: ImportContext
): Promise<{
	refused: ImportResult[];
	store: (tx: StorageTransaction) => Promise<ImportResult[]>;
}> {
	const verified = await Promise.all(issued.map((file) => verifyIncoming(file.file, context)));
	const files = verified.flatMap((outcome, i) =>
		outcome.ok ? [{ license: outcome.license, text: outcome.text, source: issued[i]!.fileName }] : []
	);
	const refused = verified.flatMap((outcome, i): ImportResult[] =>
		outcome.ok ? [] : [{ ok: false, error: outcome.error, source: issued[i]!.fileName }]
	);
	return {
		refused,
		store: async (tx) =>
			files.length === 0
				? []
				: (await storeVerifiedIn(tx, files, context.now)).filter(
						(result) => result.ok || result.error.code !== 'license_already_loaded'
					)
	};
}

/** Marks licenses the server says this device may no longer use; they stay visible, never deleted. */
export async function applyRevocationsIn(tx: StorageTransaction, revoked: RevokedLicense[]): Promise<void> {
	await tx.updateMany(
		'licenses',
		revoked.map((entry) => ({
			key: entry.licenseNumber,
			changes: {
				status: entry.reason === 'seat_released' ? 'deactivated' : 'revoked',
				statusReason: entry.message
			}
		}))
	);
}
