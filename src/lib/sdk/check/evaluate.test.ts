import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	checkLicenses,
	entitlementsOf,
	judge,
	productCode,
	type Candidate,
	type TrustedTime
} from './evaluate.js';
import type { LicenseFacts } from './verify-stored.js';

const NOW = Date.UTC(2026, 10, 28, 12);
const DAY = 86_400_000;
const at = (effectiveNow: number, problem: TrustedTime['problem'] = null): TrustedTime => ({
	effectiveNow,
	problem
});

function facts(overrides: Partial<LicenseFacts> = {}): LicenseFacts {
	return {
		licenseNumber: 'SRV-5BQ7-MKXD-3H99',
		product: 'SRV',
		productName: 'Server Edition',
		quantity: 1,
		kind: 'standard',
		parent: null,
		expansions: [],
		email: 'ada@example.com',
		issuedAt: NOW - DAY,
		expiresAt: null,
		...overrides
	};
}

/** A deactivation made on this device (workflows/deactivation.ts). */
const GIVEN_UP = { statement: 'deactivation.txt', qrUrl: 'https://x/portal#d1=AA', deactivatedAt: NOW - DAY };

function candidate(
	given: Partial<LicenseFacts> = {},
	row: Partial<Candidate['row']> = {},
	verified: Candidate['verified'] | null = null
): Candidate {
	const f = facts(given);
	return {
		row: {
			licenseNumber: f.licenseNumber,
			product: f.product,
			parent: f.parent,
			status: 'active',
			storedAt: NOW - DAY,
			...row
		},
		verified: verified ?? { ok: true, facts: f }
	};
}

describe('judging one license', () => {
	it('lets an active, verified license run, with its days left', () => {
		expect(judge(candidate(), at(NOW))).toMatchObject({ usable: true, expiresAt: null, daysLeft: null });
		expect(judge(candidate({ expiresAt: NOW + 2.5 * DAY }), at(NOW))).toMatchObject({
			usable: true,
			daysLeft: 3
		});
	});

	it('says why not, in the documented order', () => {
		const cases: [Candidate, TrustedTime, string][] = [
			[candidate({}, {}, { ok: false, reason: 'tampered' }), at(NOW), 'tampered'],
			[
				candidate({ licenseNumber: 'DEV-2345-6789-ABCC' }, { licenseNumber: 'SRV-5BQ7-MKXD-3H99' }),
				at(NOW),
				'tampered'
			],
			[candidate({}, { status: 'deactivated' }), at(NOW), 'deactivated'],
			[
				candidate({}, { status: 'deactivated', deactivation: { ...GIVEN_UP, reportedAt: null } }),
				at(NOW),
				'deactivated_not_reported'
			],
			[
				candidate({}, { status: 'deactivated', deactivation: { ...GIVEN_UP, reportedAt: NOW } }),
				at(NOW),
				'deactivated'
			],
			[candidate({}, { status: 'revoked' }), at(NOW), 'revoked'],
			[candidate({ expiresAt: NOW + DAY }), at(NOW, 'clock_set_back'), 'clock_set_back'],
			[candidate({ expiresAt: NOW }), at(NOW), 'expired'],
			[candidate({ kind: 'emergency', expiresAt: NOW - 1 }), at(NOW), 'emergency_over'],
			[candidate({ issuedAt: NOW + 10 * 60_000 }), at(NOW), 'not_yet_valid']
		];
		for (const [c, time, reason] of cases) expect(judge(c, time), reason).toEqual({ usable: false, reason });
	});

	it('never lets a license run at or past its end, whatever the time (property)', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 0, max: 60 * DAY }),
				fc.integer({ min: -60 * DAY, max: 60 * DAY }),
				(length, offset) => {
					const expiresAt = NOW + length;
					// Issued before any time tried, so only the end decides.
					const verdict = judge(candidate({ expiresAt, issuedAt: NOW - 61 * DAY }), at(NOW + offset));
					return verdict.usable === NOW + offset < expiresAt;
				}
			)
		);
	});

	it('a clock problem stops time-limited licenses only', () => {
		expect(judge(candidate(), at(NOW, 'clock_set_back_repeatedly')).usable).toBe(true);
		expect(judge(candidate({ expiresAt: NOW + DAY }), at(NOW, 'clock_set_back_repeatedly'))).toEqual({
			usable: false,
			reason: 'clock_set_back'
		});
	});
});

describe('checking a product', () => {
	const SRV = 'SRV-5BQ7-MKXD-3H99';
	const CLX = 'CLX-7K3M-Q9XP-R2TX';
	const server = candidate({ expansions: [CLX] });
	const expansion = candidate({ licenseNumber: CLX, product: 'CLX', parent: SRV });

	it('refuses a query that is not a product code', () => {
		for (const product of ['', 'SR', 'SRVX', 'S0V', 42, null, undefined])
			expect(checkLicenses([server], { product }, at(NOW))).toMatchObject({
				ok: false,
				reason: 'invalid_query'
			});
		expect(checkLicenses([server], { product: 'SRV', expansion: 'c' }, at(NOW))).toMatchObject({
			reason: 'invalid_query'
		});
		expect(productCode(' srv ')).toBe('SRV');
	});

	it('answers for the product and for an expansion of that very license', () => {
		expect(checkLicenses([server, expansion], { product: 'SRV' }, at(NOW))).toMatchObject({
			ok: true,
			license: { licenseNumber: SRV }
		});
		expect(checkLicenses([server, expansion], { product: 'SRV', expansion: 'CLX' }, at(NOW))).toMatchObject({
			ok: true,
			expansion: { licenseNumber: CLX }
		});
		// An expansion of another license of the product does not count.
		const foreign = candidate({ licenseNumber: CLX, product: 'CLX', parent: 'SRV-2345-6789-ABCC' });
		expect(checkLicenses([server, foreign], { product: 'SRV', expansion: 'CLX' }, at(NOW))).toMatchObject({
			ok: false,
			reason: 'expansion_missing'
		});
		expect(checkLicenses([], { product: 'SRV' }, at(NOW))).toMatchObject({
			ok: false,
			reason: 'not_activated'
		});
	});

	it('ends when the first of the license and its expansion ends', () => {
		const limited = candidate({ licenseNumber: CLX, product: 'CLX', parent: SRV, expiresAt: NOW + 3 * DAY });
		expect(checkLicenses([server, limited], { product: 'SRV', expansion: 'CLX' }, at(NOW))).toMatchObject({
			ok: true,
			expiresAt: NOW + 3 * DAY,
			daysLeft: 3
		});
	});

	it('prefers a license that runs; when none does, the one stored last says why', () => {
		const expired = candidate(
			{ licenseNumber: 'SRV-2345-6789-ABCC', expiresAt: NOW - DAY },
			{ storedAt: NOW }
		);
		expect(checkLicenses([expired, server], { product: 'SRV' }, at(NOW))).toMatchObject({ ok: true });
		const released = candidate({}, { status: 'deactivated', storedAt: NOW - 2 * DAY });
		expect(checkLicenses([expired, released], { product: 'SRV' }, at(NOW))).toMatchObject({
			ok: false,
			reason: 'expired',
			licenseNumber: 'SRV-2345-6789-ABCC'
		});
	});

	it('lists entitlements with their expansions, and leaves out what does not verify', () => {
		const broken = candidate(
			{ licenseNumber: 'DEV-2345-6789-ABCC', product: 'DEV' },
			{},
			{ ok: false, reason: 'tampered' }
		);
		const list = entitlementsOf([server, expansion, broken], at(NOW));
		expect(list).toHaveLength(1);
		expect(list[0]).toMatchObject({
			usable: true,
			license: { licenseNumber: SRV },
			expansions: [{ usable: true }]
		});
	});
});

describe('a license made for another device', () => {
	const here = 'R755-98T3-7EYW';
	const there = 'FT3H-H2B7-Z7QV';

	it('is never usable on this one, even when its signature was not checked, and says which device it was for', () => {
		const other = candidate({}, { deviceId: there });
		expect(judge(other, at(NOW), here)).toEqual({ usable: false, reason: 'other_device' });
		expect(judge(candidate({}, { deviceId: here }), at(NOW), here).usable).toBe(true);
		const result = checkLicenses([other], { product: 'SRV' }, at(NOW), here);
		expect(result).toMatchObject({
			ok: false,
			reason: 'other_device',
			licenseNumber: 'SRV-5BQ7-MKXD-3H99',
			madeFor: there
		});
		expect(result.ok ? '' : result.message).toContain(`another device (id ${there})`);
		expect(result.ok ? '' : result.message).toContain('activate it on this device');
		expect(entitlementsOf([other], at(NOW), here)[0]).toMatchObject({
			usable: false,
			reason: 'other_device'
		});
	});

	it('names the device when the signature check itself found the file was for another device', () => {
		const other = candidate({}, { deviceId: there }, { ok: false, reason: 'other_device' });
		expect(checkLicenses([other], { product: 'SRV' }, at(NOW), here)).toMatchObject({
			reason: 'other_device',
			madeFor: there
		});
	});

	it('leaves this device’s own license usable beside one made for another device', () => {
		const mine = candidate({ licenseNumber: 'SRV-7K3M-Q9XP-R2TX' }, { deviceId: here });
		const other = candidate({}, { deviceId: there, storedAt: NOW });
		expect(checkLicenses([other, mine], { product: 'SRV' }, at(NOW), here)).toMatchObject({
			ok: true,
			license: { licenseNumber: 'SRV-7K3M-Q9XP-R2TX' }
		});
	});
});
