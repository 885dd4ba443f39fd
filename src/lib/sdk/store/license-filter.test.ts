import { describe, expect, it } from 'vitest';
import type { StoreLicense } from '$lib/protocol/store.js';
import { filterLicenses, NO_FILTER, visibleWindow } from './license-filter.js';
import { buildStoreView } from './store-view.js';

const PROJECT = '0b5c7c2e-1c1a-4b8e-9a43-000000000001';
const stamp = { wall: 1, counter: 0, device: 'AAAA-AAAA-AAAA' };

function license(number: string, overrides: Partial<StoreLicense> = {}): StoreLicense {
	return {
		number,
		product: number.slice(0, 3),
		productName: number.startsWith('SRV') ? '4D Server' : '4D Developer',
		kind: 'standard',
		status: 'active',
		expiresAt: null,
		renewalDays: null,
		deferredAllowed: true,
		emergencyAllowed: true,
		seats: 1,
		seatsUsed: 0,
		expansions: [],
		devices: [],
		link: null,
		...overrides
	};
}

const view = buildStoreView(
	[
		license('SRV-5BQ7-MKXD-3H99', { link: { projectId: PROJECT, stamp } }),
		license('DEV-AAAA-BBBB-CCCC', { status: 'expired' }),
		license('SRV-ZZZZ-YYYY-XXXX', {
			status: 'temporary',
			expansions: [{ number: 'CLX-2222-3333-4444', product: 'CLX', productName: '4D Client Expansion' }]
		})
	],
	[{ id: PROJECT, name: 'Warehouse', nameStamp: stamp, deleted: null }],
	[]
);
const numbers = (filter: Partial<typeof NO_FILTER>) =>
	filterLicenses(view.licenses, { ...NO_FILTER, ...filter }).map((entry) => entry.number);

describe('License list filter', () => {
	it('shows everything without a filter, in the given order', () => {
		expect(numbers({})).toEqual(['SRV-5BQ7-MKXD-3H99', 'DEV-AAAA-BBBB-CCCC', 'SRV-ZZZZ-YYYY-XXXX']);
	});

	it('searches the number with or without dashes, in any case', () => {
		expect(numbers({ query: 'srv-5bq7' })).toEqual(['SRV-5BQ7-MKXD-3H99']);
		expect(numbers({ query: 'SRV5BQ7MKXD' })).toEqual(['SRV-5BQ7-MKXD-3H99']);
		expect(numbers({ query: 'nothing-like-this' })).toEqual([]);
	});

	it('searches products, expansions and project names; every word must match', () => {
		expect(numbers({ query: 'developer' })).toEqual(['DEV-AAAA-BBBB-CCCC']);
		expect(numbers({ query: 'client expansion' })).toEqual(['SRV-ZZZZ-YYYY-XXXX']);
		expect(numbers({ query: 'warehouse' })).toEqual(['SRV-5BQ7-MKXD-3H99']);
		expect(numbers({ query: '4d server warehouse' })).toEqual(['SRV-5BQ7-MKXD-3H99']);
	});

	it('filters by status and by project (or no project), combined with the search', () => {
		expect(numbers({ status: 'expired' })).toEqual(['DEV-AAAA-BBBB-CCCC']);
		expect(numbers({ project: PROJECT })).toEqual(['SRV-5BQ7-MKXD-3H99']);
		expect(numbers({ project: 'none' })).toEqual(['DEV-AAAA-BBBB-CCCC', 'SRV-ZZZZ-YYYY-XXXX']);
		expect(numbers({ project: 'none', status: 'temporary', query: 'srv' })).toEqual(['SRV-ZZZZ-YYYY-XXXX']);
	});
});

describe('visible window', () => {
	it('renders only the rows on screen, plus the overscan, with spacers for the rest', () => {
		expect(
			visibleWindow({ scrollTop: 0, viewportHeight: 400, rowHeight: 40, count: 10_000, overscan: 2 })
		).toEqual({ start: 0, end: 12, before: 0, after: (10_000 - 12) * 40 });
		expect(
			visibleWindow({ scrollTop: 4_000, viewportHeight: 400, rowHeight: 40, count: 10_000, overscan: 2 })
		).toEqual({ start: 98, end: 112, before: 98 * 40, after: (10_000 - 112) * 40 });
	});

	it('stays inside the list when scrolled past either end or when it is short', () => {
		expect(visibleWindow({ scrollTop: -50, viewportHeight: 400, rowHeight: 40, count: 3 })).toEqual({
			start: 0,
			end: 3,
			before: 0,
			after: 0
		});
		const past = visibleWindow({ scrollTop: 1e9, viewportHeight: 400, rowHeight: 40, count: 100 });
		expect(past.end).toBe(100);
		expect(past.start).toBeLessThanOrEqual(100);
		expect(past.after).toBe(0);
	});
});
