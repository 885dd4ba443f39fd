import { describe, expect, it } from 'vitest';
import type { LicenseRow } from '../db/schemas';
import { currentLicense, daysLeft, isExpired, orderForDisplay } from './license-view';

const NOW = Date.UTC(2026, 10, 28);
const DAY = 86_400_000;

function row(fields: Partial<LicenseRow>): LicenseRow {
	return {
		licenseNumber: 'DEV-2345-6789-ABCC',
		fileText: '',
		product: 'DEV',
		productName: 'Developer Edition',
		quantity: 1,
		kind: 'standard',
		parent: null,
		expansions: [],
		email: 'a@example.com',
		deviceId: 'FT3H-H2B7-Z7QV',
		issuedAt: NOW,
		expiresAt: null,
		kid: '0b080c6f41ac1802',
		storedAt: NOW,
		status: 'active',
		...fields
	};
}

describe('license view', () => {
	it('counts days left, rounding up, and tells expiry', () => {
		expect(daysLeft(row({}), NOW)).toBeNull();
		expect(daysLeft(row({ expiresAt: NOW + 1.5 * DAY }), NOW)).toBe(2);
		expect(isExpired(row({ expiresAt: NOW }), NOW)).toBe(true);
		expect(daysLeft(row({ expiresAt: NOW - DAY }), NOW)).toBe(0);
	});

	it('makes the latest usable application license current, never an expansion or an expired one', () => {
		const older = row({ licenseNumber: 'SRV-5BQ7-MKXD-3H99', storedAt: NOW - 10 });
		const newest = row({ licenseNumber: 'DEV-2345-6789-ABCC', storedAt: NOW });
		const expansion = row({
			licenseNumber: 'CLX-7K3M-Q9XP-R2TX',
			parent: older.licenseNumber,
			storedAt: NOW + 10
		});
		const expired = row({ licenseNumber: 'WEB-8N4J-H6FZ-CY5K', expiresAt: NOW - 1, storedAt: NOW + 20 });
		expect(currentLicense([older, newest, expansion, expired], NOW)?.licenseNumber).toBe(
			newest.licenseNumber
		);
		expect(orderForDisplay([expansion, newest, older]).map((l) => l.licenseNumber)).toEqual([
			newest.licenseNumber,
			older.licenseNumber,
			expansion.licenseNumber
		]);
	});
});
