import { describe, expect, it } from 'vitest';
import type { StoreLicense } from '$lib/protocol/store';
import { testCore } from '../testing/test-core.js';
import { generateRequest, LAST_REQUEST_SETTING } from './deferred.js';
import {
	readLastRequest,
	readRequestSuggestion,
	suggestRequest,
	type DeviceKnowledge
} from './request-prefill.js';

const DEVICE = 'DEVICE-HERE';

function listed(number: string, more: Partial<StoreLicense> = {}): StoreLicense {
	return {
		number,
		product: number.slice(0, 3),
		productName: 'Airlock',
		kind: 'standard',
		status: 'active',
		expiresAt: null,
		renewalDays: null,
		deferredAllowed: true,
		emergencyAllowed: true,
		seats: 2,
		seatsUsed: 0,
		expansions: [],
		devices: [],
		link: null,
		...more
	};
}

const nothingKnown: DeviceKnowledge = {
	account: null,
	storeLicenses: [],
	held: new Set(),
	deviceId: DEVICE,
	lastRequest: null
};

describe('what the Deferred Activation form starts with', () => {
	it('is the account’s licenses not on this device yet, from the License list copy, at most 8', () => {
		const licenses = [
			listed('SRV-1'),
			listed('SRV-2', { devices: [{ deviceId: DEVICE, activatedAt: 0, lastSeenAt: 0 }], seatsUsed: 1 }),
			listed('SRV-3', { status: 'expired' }),
			listed('SRV-4', { deferredAllowed: false }),
			listed('SRV-5', { seats: 1, seatsUsed: 1 }),
			listed('SRV-6'),
			...Array.from({ length: 10 }, (_, i) => listed(`DEV-${i}`))
		];
		const suggestion = suggestRequest({
			...nothingKnown,
			account: 'ada@example.com',
			storeLicenses: licenses,
			held: new Set(['SRV-6']),
			lastRequest: { licenseNumbers: ['OLD-1'], email: 'old@example.com' }
		});
		expect(suggestion).toEqual({
			licenseNumbers: ['SRV-1', 'DEV-0', 'DEV-1', 'DEV-2', 'DEV-3', 'DEV-4', 'DEV-5', 'DEV-6'],
			email: 'ada@example.com',
			numbersFrom: 'license-list'
		});
	});

	it('is else the last request’s numbers not activated since, with its e-mail address', () => {
		expect(
			suggestRequest({
				...nothingKnown,
				held: new Set(['SRV-1']),
				lastRequest: { licenseNumbers: ['SRV-1', 'DEV-1'], email: 'ada@example.com' }
			})
		).toEqual({ licenseNumbers: ['DEV-1'], email: 'ada@example.com', numbersFrom: 'last-request' });
		expect(
			suggestRequest({
				...nothingKnown,
				held: new Set(['SRV-1']),
				lastRequest: { licenseNumbers: ['SRV-1'], email: 'ada@example.com' }
			})
		).toEqual({ licenseNumbers: [], email: 'ada@example.com', numbersFrom: null });
		expect(suggestRequest(nothingKnown)).toEqual({ licenseNumbers: [], email: '', numbersFrom: null });
	});

	it('reads the last request back from the device, and a damaged row suggests nothing', async () => {
		const core = await testCore();
		await expect(readRequestSuggestion(core)).resolves.toEqual({
			licenseNumbers: [],
			email: '',
			numbersFrom: null
		});
		await generateRequest(core, { licenseNumbers: ['SRV-5BQ7-MKXD-3H99'], email: 'Ada@Example.com' });
		await expect(readRequestSuggestion(core)).resolves.toEqual({
			licenseNumbers: ['SRV-5BQ7-MKXD-3H99'],
			email: 'ada@example.com',
			numbersFrom: 'last-request'
		});
		for (const value of [
			null,
			'text',
			{ licenseNumbers: ['nope'], email: 'ada@example.com' },
			{ licenseNumbers: [] }
		]) {
			await core.storage.transaction('rw', ['settings'], (tx) =>
				tx.put('settings', { key: LAST_REQUEST_SETTING, value })
			);
			await expect(readLastRequest(core)).resolves.toBeNull();
		}
	});
});
