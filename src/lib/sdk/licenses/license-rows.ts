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

export async function removeLicense(storage: LicenseStorage, licenseNumber: string): Promise<void> {
	await storage.transaction('rw', ['licenses'], (tx) => tx.delete('licenses', licenseNumber));
}
