// The licenses stored on this device, read and removed without the formats (zod, the license file
// parser): what a License Manager needs at start. Importing them is in license-store.ts.
import type { LicenseStorage } from '../platform/storage.js';
import { licenseRowSchema, type LicenseRow } from '../rows.js';

/** Every stored license, each row checked: a damaged row is left out, never crashes the list. */
export async function readLicenses(storage: LicenseStorage): Promise<LicenseRow[]> {
	const rows = await storage.transaction('r', ['licenses'], (tx) => tx.all('licenses'));
	return rows.flatMap((row) => {
		const parsed = licenseRowSchema.safeParse(row);
		return parsed.success ? [parsed.data] : [];
	});
}

/**
 * Removes a stored license; false when it is kept: a license this device gave up (a deactivation
 * statement) stays as the record of it — without it, its old file could be loaded again.
 */
export async function removeLicense(storage: LicenseStorage, licenseNumber: string): Promise<boolean> {
	return storage.transaction('rw', ['licenses'], async (tx) => {
		const row = licenseRowSchema.safeParse(await tx.get('licenses', licenseNumber));
		if (row.success && row.data.deactivation) return false;
		await tx.delete('licenses', licenseNumber);
		return true;
	});
}
