// The licenses stored on this device, read and removed without the formats (zod, the license file
// parser): what the home page needs at start. Importing them is in license-store.ts.
import type { LicenseManagerDatabase } from '../db/database';
import { licenseRowSchema, type LicenseRow } from '../db/schemas';

/** Every stored license, each row checked: a damaged row is left out, never crashes the list. */
export async function readLicenses(db: LicenseManagerDatabase): Promise<LicenseRow[]> {
	const rows = await db.licenses.toArray();
	return rows.flatMap((row) => {
		const parsed = licenseRowSchema.safeParse(row);
		return parsed.success ? [parsed.data] : [];
	});
}

export async function removeLicense(db: LicenseManagerDatabase, licenseNumber: string): Promise<void> {
	await db.licenses.delete(licenseNumber);
}
