import { describe, expect, it } from 'vitest';
import type { License } from '../db/schema';
import { fileExpiry, isExpired } from './license-issuer';

const NOW = Date.UTC(2026, 10, 28);
const DAY = 86_400_000;

function license(fields: Partial<License>): License {
	return {
		number: 'DEV-2345-6789-ABCC',
		product_code: 'DEV',
		account_id: 'a',
		seats: 1,
		quantity: 1,
		kind: 'standard',
		expires_at: null,
		renewal_days: null,
		deferred_allowed: 1,
		emergency_allowed: 1,
		parent_number: null,
		revision: 1,
		seats_in_use: 0,
		created_at: NOW,
		updated_at: NOW,
		...fields
	};
}

describe('file expiry', () => {
	it('is the license expiry for a standard license, none when it never expires', () => {
		expect(fileExpiry(license({}), NOW)).toBeNull();
		expect(fileExpiry(license({ expires_at: NOW + 10 * DAY }), NOW)).toBe(NOW + 10 * DAY);
	});

	it('is the end of the renewal period for a temporary license, never past the license expiry', () => {
		expect(fileExpiry(license({ kind: 'temporary', renewal_days: 30 }), NOW)).toBe(NOW + 30 * DAY);
		expect(fileExpiry(license({ kind: 'temporary', renewal_days: 30, expires_at: NOW + 7 * DAY }), NOW)).toBe(
			NOW + 7 * DAY
		);
	});

	it('tells an expired license', () => {
		expect(isExpired(license({ expires_at: NOW }), NOW)).toBe(true);
		expect(isExpired(license({ expires_at: NOW + 1 }), NOW)).toBe(false);
		expect(isExpired(license({}), NOW)).toBe(false);
	});
});
