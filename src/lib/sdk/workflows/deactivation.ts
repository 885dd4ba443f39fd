// Offline deactivation on the device: the license is given up here first — in the same transaction
// that keeps the signed statement and queues it for the server — so no statement ever exists for a
// license this device can still use. The statement (deactivation.txt and its QR code) goes to the
// server through the portal, or through the outbox when the device is online; until the server is
// known to have it, the license shows as "deactivated, not yet reported" and checks refuse it.
import {
	createDeactivationStatement,
	DEACTIVATION_FILE_NAME,
	deactivationQrUrl,
	formatDeactivationFile
} from '$lib/protocol/deactivation.js';
import type { DeactivationReportResult } from '$lib/protocol/deactivation-api.js';
import type { Core } from '../core.js';
import { enqueue, newOutboxItem } from '../outbox/outbox.js';
import type { FileAccess } from '../platform/files.js';
import type { StorageTransaction } from '../platform/storage.js';
import { licenseRowSchema, type DeactivationRecord, type LicenseRow } from '../rows.js';

export type DeactivationErrorCode = 'license_not_on_device' | 'license_not_deactivatable';

export type DeactivateOutcome =
	| { ok: true; licenseNumber: string; record: DeactivationRecord }
	| { ok: false; error: { code: DeactivationErrorCode; message: string } };

function notOnDevice(number: string): DeactivateOutcome {
	return {
		ok: false,
		error: {
			code: 'license_not_on_device',
			message: `License ${number} is not on this device. Refresh the list of licenses and choose it again.`
		}
	};
}

/** Why this stored license cannot be given up by a statement, or null when it can. */
function notDeactivatable(row: LicenseRow): string | null {
	if (row.kind === 'emergency')
		return `License ${row.licenseNumber} is an Emergency Activation: it holds no seat to free. It ends by itself.`;
	if (row.parent !== null)
		return `${row.licenseNumber} is an expansion of ${row.parent}: deactivate ${row.parent} and its expansions go with it.`;
	if (row.status === 'deactivated' || row.status === 'revoked')
		return `License ${row.licenseNumber} is no longer active on this device.`;
	return null;
}

/**
 * Gives up a license on this device: it (and its expansions) stop working at once, and the signed
 * statement that frees its seat is kept, shown, and queued for the server.
 */
export async function deactivateLicense(core: Core, licenseNumber: string): Promise<DeactivateOutcome> {
	const storage = core.storage;
	const read = licenseRowSchema.safeParse(
		await storage.transaction('r', ['licenses'], (tx) => tx.get('licenses', licenseNumber))
	);
	if (!read.success) return notOnDevice(licenseNumber);
	const refusal = notDeactivatable(read.data);
	if (refusal) return { ok: false, error: { code: 'license_not_deactivatable', message: refusal } };
	const now = core.clock.now();
	// Signed before the transaction (IndexedDB ends a transaction that waits on anything else).
	const statement = await createDeactivationStatement({
		licenseNumber,
		licenseIssuedAt: read.data.issuedAt,
		signer: core.identity.signer,
		now
	});
	const record: DeactivationRecord = {
		statement: formatDeactivationFile(statement, core.portalUrl),
		qrUrl: deactivationQrUrl(statement, core.portalUrl),
		deactivatedAt: statement.deactivatedAt,
		reportedAt: null
	};
	const reason = 'Deactivated on this device.';
	const outcome = await storage.transaction('rw', ['licenses', 'outbox'], async (tx) => {
		// Read again inside the transaction: another tab may have changed it meanwhile.
		const current = licenseRowSchema.safeParse(await tx.get('licenses', licenseNumber));
		if (!current.success) return notOnDevice(licenseNumber);
		if (current.data.issuedAt !== read.data.issuedAt || notDeactivatable(current.data))
			return {
				ok: false as const,
				error: {
					code: 'license_not_deactivatable' as const,
					message: `License ${licenseNumber} changed on this device meanwhile. Try again.`
				}
			};
		await tx.update('licenses', licenseNumber, {
			status: 'deactivated',
			statusReason: reason,
			deactivation: record
		});
		const expansions = (await tx.all('licenses')).flatMap((row) => {
			const parsed = licenseRowSchema.safeParse(row);
			return parsed.success && parsed.data.parent === licenseNumber ? [parsed.data.licenseNumber] : [];
		});
		await tx.updateMany(
			'licenses',
			expansions.map((key) => ({ key, changes: { status: 'deactivated', statusReason: reason } }))
		);
		await enqueue(tx, newOutboxItem('deactivation-report', { statement: record.statement }, now));
		return { ok: true as const, licenseNumber, record };
	});
	if (outcome.ok) await core.afterQueue?.();
	return outcome;
}

/** The licenses this device gave up whose statements the server is not known to have yet. */
export function unreportedDeactivations(rows: readonly LicenseRow[]): LicenseRow[] {
	return rows.filter((row) => row.status === 'deactivated' && row.deactivation?.reportedAt === null);
}

/** The server has the statement (sent from here, or brought through the portal before). */
export async function markReportedIn(
	tx: StorageTransaction,
	results: readonly DeactivationReportResult[],
	now: number
): Promise<void> {
	for (const result of results) {
		const row = licenseRowSchema.safeParse(await tx.get('licenses', result.licenseNumber));
		if (!row.success || !row.data.deactivation || row.data.status !== 'deactivated') continue;
		await tx.update('licenses', result.licenseNumber, {
			deactivation: { ...row.data.deactivation, reportedAt: now },
			statusReason: 'Deactivated on this device; its seat was freed.'
		});
	}
}

/** Saves deactivation.txt where the user says (the save picker, a download, or a path). */
export async function saveDeactivationFile(files: FileAccess, record: DeactivationRecord): Promise<void> {
	await files.save(DEACTIVATION_FILE_NAME, record.statement, {
		extensions: ['.txt'],
		mimeType: 'text/plain'
	});
}
