import { describe, expect, it } from 'vitest';
import type { LicenseClock } from '$lib/sdk/licenses/license-view';
import type { LicenseRow } from '$lib/sdk/rows';
import {
	keepSnapshot,
	makeSnapshot,
	MAX_SNAPSHOT_CHARS,
	SNAPSHOT_KEY,
	snapshotValidUntil,
	type FirstViewSnapshot
} from './first-view-snapshot';
import { exampleLicenseRow } from '../../../tests/fixtures/license-rows.js';

const NOW = Date.UTC(2026, 11, 2, 12);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const honest = (effectiveNow: number): LicenseClock => ({ effectiveNow, problem: null });

const row = (fields: Partial<LicenseRow>): LicenseRow =>
	exampleLicenseRow({ issuedAt: NOW - DAY, storedAt: NOW, ...fields });

/** localStorage's interface over a Map, optionally refusing writes (full, or disabled). */
function memoryStorage(refuse = false): Storage & { items: Map<string, string> } {
	const items = new Map<string, string>();
	return {
		items,
		get length() {
			return items.size;
		},
		key: (index) => [...items.keys()][index] ?? null,
		getItem: (key) => items.get(key) ?? null,
		setItem: (key, value) => {
			if (refuse) throw new DOMException('full', 'QuotaExceededError');
			items.set(key, value);
		},
		removeItem: (key) => void items.delete(key),
		clear: () => items.clear()
	};
}

describe('snapshotValidUntil', () => {
	it('is unbounded for licenses whose status time does not change', () => {
		expect(snapshotValidUntil([], honest(NOW), NOW)).toBe(Number.MAX_SAFE_INTEGER);
		expect(snapshotValidUntil([row({ expiresAt: null })], honest(NOW), NOW)).toBe(Number.MAX_SAFE_INTEGER);
	});

	it('ends at the first license whose days left change, in device time', () => {
		const soon = row({ licenseNumber: 'A', expiresAt: NOW + 3 * DAY - 2 * HOUR });
		const later = row({ licenseNumber: 'B', expiresAt: NOW + 40 * DAY - HOUR });
		// The trusted clock is 5 minutes ahead of the device: the change comes 5 minutes sooner.
		const clock = honest(NOW + 5 * 60_000);
		expect(snapshotValidUntil([later, soon], clock, NOW)).toBe(NOW + DAY - 2 * HOUR - 5 * 60_000);
	});

	it('allows no snapshot while the clock is in doubt', () => {
		expect(snapshotValidUntil([row({})], { effectiveNow: NOW, problem: 'clock_set_back' }, NOW)).toBeNull();
	});
});

describe('makeSnapshot', () => {
	const state = { licenses: [row({ expiresAt: NOW + 10 * DAY })], clock: honest(NOW), pending: 0 };

	it('keeps the markup with the shell it belongs to and until when it is true', () => {
		expect(makeSnapshot(state, 'a.js b.css', '<main>list</main>', NOW)).toEqual({
			shell: 'a.js b.css',
			html: '<main>list</main>',
			takenAt: NOW,
			validUntil: NOW + DAY
		});
	});

	it('makes none while operations wait (the service worker may complete them unseen)', () => {
		expect(makeSnapshot({ ...state, pending: 1 }, 'a.js', '<main></main>', NOW)).toBeNull();
	});

	it('makes none outside a home page loaded as such, nor for a huge list', () => {
		expect(makeSnapshot(state, null, '<main></main>', NOW)).toBeNull();
		expect(makeSnapshot(state, 'a.js', 'x'.repeat(MAX_SNAPSHOT_CHARS + 1), NOW)).toBeNull();
	});

	it('makes none with the clock in doubt', () => {
		const doubted = { ...state, clock: { effectiveNow: NOW, problem: 'clock_set_back' as const } };
		expect(makeSnapshot(doubted, 'a.js', '<main></main>', NOW)).toBeNull();
	});
});

describe('keepSnapshot', () => {
	const snapshot: FirstViewSnapshot = {
		shell: 's',
		html: '<main></main>',
		takenAt: NOW,
		validUntil: NOW + DAY
	};

	it('stores it, and drops it when there is none to keep', () => {
		const storage = memoryStorage();
		keepSnapshot(storage, snapshot);
		expect(JSON.parse(storage.getItem(SNAPSHOT_KEY)!)).toEqual(snapshot);
		keepSnapshot(storage, null);
		expect(storage.getItem(SNAPSHOT_KEY)).toBeNull();
	});

	it('leaves no older snapshot when the storage refuses the new one', () => {
		const storage = memoryStorage(true);
		storage.items.set(SNAPSHOT_KEY, JSON.stringify({ ...snapshot, html: '<main>old</main>' }));
		expect(() => keepSnapshot(storage, snapshot)).not.toThrow();
		expect(storage.getItem(SNAPSHOT_KEY)).toBeNull();
	});
});
