// How a stored license is shown: days left, whether it is expired, and which one is "current"
// (shown in bold, as in the reference's Active Licenses list).
import type { LicenseRow } from '../db/schemas';

const DAY_MS = 86_400_000;

export function daysLeft(license: LicenseRow, now: number): number | null {
	if (license.expiresAt === null) return null;
	return Math.max(0, Math.ceil((license.expiresAt - now) / DAY_MS));
}

export function isExpired(license: LicenseRow, now: number): boolean {
	return license.expiresAt !== null && license.expiresAt <= now;
}

/** The current license: the most recently stored application license that is still usable. */
export function currentLicense(licenses: LicenseRow[], now: number): LicenseRow | null {
	const usable = licenses.filter((l) => l.parent === null && l.status === 'active' && !isExpired(l, now));
	return (
		usable.sort((a, b) => b.storedAt - a.storedAt || a.licenseNumber.localeCompare(b.licenseNumber))[0] ??
		null
	);
}

/** Application licenses first (by product and number), each followed by its expansions. */
export function orderForDisplay(licenses: LicenseRow[]): LicenseRow[] {
	const byNumber = (a: LicenseRow, b: LicenseRow) =>
		a.product.localeCompare(b.product) || a.licenseNumber.localeCompare(b.licenseNumber);
	const parents = licenses
		.filter((l) => l.parent === null || !licenses.some((p) => p.licenseNumber === l.parent))
		.sort(byNumber);
	return parents.flatMap((parent) => [
		parent,
		...licenses.filter((l) => l.parent === parent.licenseNumber).sort(byNumber)
	]);
}
