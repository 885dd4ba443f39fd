import { describe, expect, it } from 'vitest';
import { describeStoreExpiry } from './store-expiry';
import { formatDate } from './license-expiry';

const END = Date.UTC(2027, 5, 30, 12);

describe('when a License list license ends', () => {
	it('says "Never" only for a license with no end and no renewal', () => {
		expect(describeStoreExpiry({ expiresAt: null, renewalDays: null })).toBe('Never');
		expect(describeStoreExpiry({ expiresAt: END, renewalDays: null })).toBe(formatDate(END));
	});

	it('says how long each file of a temporary license runs, with its own end if it has one', () => {
		expect(describeStoreExpiry({ expiresAt: null, renewalDays: 30 })).toBe(
			'30 days from each activation or Refresh'
		);
		expect(describeStoreExpiry({ expiresAt: END, renewalDays: 1 })).toBe(
			`${formatDate(END)} · 1 day from each activation or Refresh`
		);
	});
});
