// What a Refresh changed on this device, in words a user reads: new licenses and expansions, renewed
// files, licenses this device may no longer use — or that nothing changed.
import type { LicenseRow } from '../rows.js';

export interface LicenseChanges {
	/** Application licenses this device did not hold before. */
	newLicenses: LicenseRow[];
	/** Expansions this device did not hold before. */
	newExpansions: LicenseRow[];
	/** Licenses held before, now with a newer file (renewed, or their expansions changed). */
	renewed: LicenseRow[];
	/** Licenses usable before that this device may no longer use (seat released, revoked). */
	withdrawn: LicenseRow[];
}

export function describeChanges(before: LicenseRow[], after: LicenseRow[]): LicenseChanges {
	const held = new Map(before.map((row) => [row.licenseNumber, row]));
	const changes: LicenseChanges = { newLicenses: [], newExpansions: [], renewed: [], withdrawn: [] };
	for (const row of after) {
		const old = held.get(row.licenseNumber);
		if (!old) (row.parent === null ? changes.newLicenses : changes.newExpansions).push(row);
		else if (row.issuedAt > old.issuedAt && row.status === 'active') changes.renewed.push(row);
		else if (old.status === 'active' && row.status !== 'active') changes.withdrawn.push(row);
	}
	return changes;
}

export function nothingChanged(changes: LicenseChanges): boolean {
	return Object.values(changes).every((rows) => rows.length === 0);
}
