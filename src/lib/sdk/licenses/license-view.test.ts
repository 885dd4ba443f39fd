import { describe, expect, it } from 'vitest';
import type { LicenseRow } from '../rows.js';
import { observeDeviceTime, initialClockState, clockVerdict } from '$lib/protocol/trusted-clock.js';
import {
	currentLicense,
	EXPIRY_WARNING_DAYS,
	expiringSoon,
	isUsable,
	madeForAnotherDevice,
	nextTimeStatusChange,
	orderForDisplay,
	timeStatus,
	type LicenseClock
} from './license-view.js';
import { exampleLicenseRow } from '../../../../tests/fixtures/license-rows.js';

const NOW = Date.UTC(2026, 10, 28);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const honest = (effectiveNow: number): LicenseClock => ({ effectiveNow, problem: null });

const row = (fields: Partial<LicenseRow>): LicenseRow =>
	exampleLicenseRow({ issuedAt: NOW, storedAt: NOW, ...fields });

describe('license time status', () => {
	it('counts days and hours left, rounding up; a license with no end is unlimited', () => {
		expect(timeStatus(row({}), honest(NOW))).toEqual({ kind: 'unlimited' });
		expect(timeStatus(row({ expiresAt: NOW + 1.5 * DAY }), honest(NOW))).toEqual({
			kind: 'running',
			expiresAt: NOW + 1.5 * DAY,
			daysLeft: 2,
			hoursLeft: 36,
			warning: true
		});
	});

	it('warns from the warning period on, not before', () => {
		const expiresAt = NOW + 30 * DAY;
		const license = row({ kind: 'temporary', expiresAt });
		const warningStarts = expiresAt - EXPIRY_WARNING_DAYS * DAY;
		expect(timeStatus(license, honest(warningStarts - 1))).toMatchObject({ kind: 'running', warning: false });
		expect(timeStatus(license, honest(warningStarts))).toMatchObject({ kind: 'running', warning: true });
		expect(expiringSoon([license, row({})], honest(warningStarts), null).map((l) => l.kind)).toEqual([
			'temporary'
		]);
		expect(expiringSoon([license], honest(warningStarts - 1), null)).toEqual([]);
	});

	it('an emergency license runs 5 days by the trusted clock, then shows as expired (kept, not deleted)', () => {
		const license = row({ kind: 'emergency', issuedAt: NOW, expiresAt: NOW + 5 * DAY });
		let clock = initialClockState(NOW);
		for (let hour = 0; hour < 5 * 24; hour += 7) {
			clock = observeDeviceTime(clock, NOW + hour * HOUR);
			expect(isUsable(license, clockVerdict(clock, NOW + hour * HOUR), null)).toBe(true);
		}
		clock = observeDeviceTime(clock, NOW + 5 * DAY);
		expect(timeStatus(license, clockVerdict(clock, NOW + 5 * DAY))).toEqual({
			kind: 'expired',
			expiresAt: NOW + 5 * DAY
		});
	});

	it('treats time-limited licenses as unusable while the clock is set back, and standard ones as usable', () => {
		let clock = observeDeviceTime(initialClockState(NOW), NOW + 3 * DAY);
		clock = observeDeviceTime(clock, NOW + DAY);
		const verdict = clockVerdict(clock, NOW + DAY);
		const emergency = row({ kind: 'emergency', expiresAt: NOW + 5 * DAY });
		expect(timeStatus(emergency, verdict)).toEqual({
			kind: 'clock-set-back',
			expiresAt: NOW + 5 * DAY,
			problem: 'clock_set_back'
		});
		expect(isUsable(emergency, verdict, null)).toBe(false);
		expect(isUsable(row({}), verdict, null)).toBe(true);
		// Set right again: usable, by the mark (3 days on), with 2 days left.
		clock = observeDeviceTime(clock, NOW + 3 * DAY);
		expect(timeStatus(emergency, clockVerdict(clock, NOW + 3 * DAY))).toMatchObject({ daysLeft: 2 });
	});

	it('says a license issued after the trusted time is not usable yet, as a check does, never its days left', () => {
		// An emergency started with the clock 3 days ahead, then the clock corrected: it ends 8 days out.
		const emergency = row({ kind: 'emergency', issuedAt: NOW + 3 * DAY, expiresAt: NOW + 8 * DAY });
		expect(timeStatus(emergency, honest(NOW))).toEqual({
			kind: 'not-yet-valid',
			startsAt: NOW + 3 * DAY,
			expiresAt: NOW + 8 * DAY
		});
		expect(isUsable(emergency, honest(NOW), null)).toBe(false);
		expect(timeStatus(row({ issuedAt: NOW + 3 * DAY }), honest(NOW))).toMatchObject({
			kind: 'not-yet-valid'
		});
		// Within the tolerance for clocks a few minutes apart, and once its start comes: running.
		expect(timeStatus(emergency, honest(NOW + 3 * DAY - 4 * 60_000))).toMatchObject({ kind: 'running' });
		expect(timeStatus(emergency, honest(NOW + 3 * DAY))).toMatchObject({ kind: 'running', daysLeft: 5 });
	});

	it('makes the latest usable application license current, never an expansion, an expired or a revoked one', () => {
		const older = row({ licenseNumber: 'SRV-5BQ7-MKXD-3H99', storedAt: NOW - 10 });
		const newest = row({ licenseNumber: 'DEV-2345-6789-ABCC', storedAt: NOW });
		const expansion = row({
			licenseNumber: 'CLX-7K3M-Q9XP-R2TX',
			parent: older.licenseNumber,
			storedAt: NOW + 10
		});
		const expired = row({ licenseNumber: 'WEB-8N4J-H6FZ-CY5K', expiresAt: NOW - 1, storedAt: NOW + 20 });
		const revoked = row({ licenseNumber: 'WEB-8N4J-H6FZ-CY5X', status: 'revoked', storedAt: NOW + 30 });
		expect(
			currentLicense([older, newest, expansion, expired, revoked], honest(NOW), null)?.licenseNumber
		).toBe(newest.licenseNumber);
		expect(orderForDisplay([expansion, newest, older]).map((l) => l.licenseNumber)).toEqual([
			newest.licenseNumber,
			older.licenseNumber,
			expansion.licenseNumber
		]);
	});

	it('never shows a license made for another device as usable or current (a storage made again under a new key)', () => {
		const here = 'R755-98T3-7EYW';
		const mine = row({ licenseNumber: 'SRV-5BQ7-MKXD-3H99', deviceId: here, storedAt: NOW - 10 });
		const other = row({ licenseNumber: 'DEV-2345-6789-ABCC', storedAt: NOW, expiresAt: NOW + DAY });
		expect(isUsable(other, honest(NOW), here)).toBe(false);
		expect(madeForAnotherDevice(other, here)).toBe(true);
		expect(madeForAnotherDevice(mine, here)).toBe(false);
		expect(currentLicense([mine, other], honest(NOW), here)?.licenseNumber).toBe(mine.licenseNumber);
		expect(currentLicense([other], honest(NOW), here)).toBeNull();
		expect(expiringSoon([other], honest(NOW), here)).toEqual([]);
		// Before the identity is read nothing can be compared: the columns alone decide.
		expect(isUsable(other, honest(NOW), null)).toBe(true);
	});
});

describe('nextTimeStatusChange', () => {
	// The status just before the change and at it must differ, and nothing shown changes in between
	// (the hours left are shown only in the last day).
	const statusAt = (license: LicenseRow, at: number) => {
		const status = timeStatus(license, honest(at));
		if (status.kind !== 'running') return status;
		const { hoursLeft, ...shown } = status;
		return status.daysLeft > 1 ? shown : { ...shown, hoursLeft };
	};

	it('is the moment a day less is left, while days are shown', () => {
		const license = row({ expiresAt: NOW + 10 * DAY - 5 * HOUR });
		const change = nextTimeStatusChange(license, honest(NOW))!;
		expect(change).toBe(NOW + DAY - 5 * HOUR);
		expect(statusAt(license, change - 1)).toEqual(statusAt(license, NOW));
		expect(statusAt(license, change)).not.toEqual(statusAt(license, change - 1));
	});

	it('is the moment an hour less is left, in the last day, then the expiry itself', () => {
		const lastDay = row({ expiresAt: NOW + 5 * HOUR - 60_000 });
		expect(nextTimeStatusChange(lastDay, honest(NOW))).toBe(NOW + HOUR - 60_000);
		const lastHour = row({ expiresAt: NOW + 30 * 60_000 });
		expect(nextTimeStatusChange(lastHour, honest(NOW))).toBe(NOW + 30 * 60_000);
		expect(statusAt(lastHour, NOW + 30 * 60_000).kind).toBe('expired');
	});

	it('covers the expiry warning, which starts on a day boundary', () => {
		const license = row({ expiresAt: NOW + EXPIRY_WARNING_DAYS * DAY + HOUR });
		const change = nextTimeStatusChange(license, honest(NOW))!;
		expect(statusAt(license, change - 1)).toMatchObject({ warning: false });
		expect(statusAt(license, change)).toMatchObject({ warning: true });
	});

	it('is when a license issued ahead of the clock becomes valid', () => {
		const license = row({ issuedAt: NOW + 2 * DAY, expiresAt: NOW + 30 * DAY });
		const change = nextTimeStatusChange(license, honest(NOW))!;
		expect(statusAt(license, change - 1).kind).toBe('not-yet-valid');
		expect(statusAt(license, change).kind).toBe('running');
	});

	it('is null when time alone changes nothing', () => {
		expect(nextTimeStatusChange(row({ expiresAt: null }), honest(NOW))).toBeNull();
		expect(nextTimeStatusChange(row({ expiresAt: NOW - DAY }), honest(NOW))).toBeNull();
		const doubted: LicenseClock = { effectiveNow: NOW, problem: 'clock_set_back' };
		expect(nextTimeStatusChange(row({ expiresAt: NOW + DAY }), doubted)).toBeNull();
	});
});
