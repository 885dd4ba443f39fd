import { describe, expect, it } from 'vitest';
import type { StoreEdit, StoreLicense } from '$lib/protocol/store.js';
import { newOutboxItem } from '../outbox/outbox.js';
import type { OutboxItem } from '../rows.js';
import { buildStoreView, formatAge, pendingEdits, waitingForOtherAccounts } from './store-view.js';

const A = '0b5c7c2e-1c1a-4b8e-9a43-00000000000a';
const B = '0b5c7c2e-1c1a-4b8e-9a43-00000000000b';
const at = (wall: number) => ({ wall, counter: 0, device: 'AAAA-AAAA-AAAA' });

const license: StoreLicense = {
	number: 'SRV-5BQ7-MKXD-3H99',
	product: 'SRV',
	productName: '4D Server',
	kind: 'standard',
	status: 'active',
	expiresAt: null,
	renewalDays: null,
	deferredAllowed: true,
	emergencyAllowed: true,
	seats: 2,
	seatsUsed: 1,
	expansions: [],
	devices: [{ deviceId: 'DDDD-DDDD-DDDD', activatedAt: 1, lastSeenAt: 2 }],
	link: { projectId: A, stamp: at(2) }
};

describe('store view', () => {
	it('groups licenses by project, as synced', () => {
		const view = buildStoreView([license], [{ id: A, name: 'Alpha', nameStamp: at(1), deleted: null }], []);
		expect(view.projects).toEqual([{ id: A, name: 'Alpha', licenseNumbers: [license.number] }]);
		expect(view.licenses[0]).toMatchObject({ projectId: A, projectName: 'Alpha' });
	});

	it('shows queued edits at once: a new project, the license moved to it, the old one deleted', () => {
		const pending: StoreEdit[] = [
			{ kind: 'project-name', projectId: B, name: 'Beta', stamp: at(10), base: null },
			{ kind: 'license-link', licenseNumber: license.number, projectId: B, stamp: at(11), base: at(2) },
			{ kind: 'project-delete', projectId: A, stamp: at(12), base: at(1) }
		];
		const view = buildStoreView(
			[license],
			[{ id: A, name: 'Alpha', nameStamp: at(1), deleted: null }],
			pending
		);
		expect(view.projects).toEqual([{ id: B, name: 'Beta', licenseNumbers: [license.number] }]);
		expect(view.licenses[0]).toMatchObject({ projectId: B, projectName: 'Beta' });
	});

	it('shows a license of a deleted project as in no project', () => {
		const view = buildStoreView([license], [{ id: A, name: 'Alpha', nameStamp: at(1), deleted: at(5) }], []);
		expect(view.projects).toEqual([]);
		expect(view.licenses[0]).toMatchObject({ projectId: null, projectName: null });
	});
});

describe('edits bound to their account', () => {
	const edit = (name: string, wall: number): StoreEdit => ({
		kind: 'project-name',
		projectId: B,
		name,
		stamp: at(wall),
		base: null
	});
	const item = (
		account: string | undefined,
		name: string,
		wall: number,
		state: OutboxItem['state'] = 'queued'
	): OutboxItem => ({
		...newOutboxItem('store-edit', { edit: edit(name, wall) }, wall),
		state,
		...(account === undefined ? {} : { account })
	});
	const outbox = [
		item('ada@example.com', 'Ada’s', 10),
		item('bob@example.com', 'Bob’s', 11),
		item('bob@example.com', 'Bob’s, waiting', 12, 'needs-sign-in'),
		item('ada@example.com', 'Ada’s, refused', 13, 'failed'),
		item('ada@example.com', 'Ada’s, applied', 14, 'done'),
		item(undefined, 'Nobody’s', 15),
		{ ...newOutboxItem('refresh', { request: 'x' }, 16), account: 'ada@example.com' }
	];

	it('applies only the account’s own edits on its copy, never another’s or one that names none', () => {
		const names = (account: string | null) =>
			pendingEdits(outbox, account).map((e) => (e.kind === 'project-name' ? e.name : e.kind));
		expect(names('ada@example.com')).toEqual(['Ada’s', 'Ada’s, applied']);
		expect(names('Bob@Example.com')).toEqual(['Bob’s', 'Bob’s, waiting']);
		expect(names('eve@example.com')).toEqual([]);
		expect(names(null)).toEqual([]);
		const view = buildStoreView([license], [], pendingEdits(outbox, 'ada@example.com'));
		expect(view.projects.map((p) => p.name)).toEqual(['Ada’s, applied']);
	});

	it('counts the other accounts’ edits still to be sent, by account', () => {
		expect(waitingForOtherAccounts(outbox, 'ada@example.com')).toEqual([
			{ account: 'bob@example.com', count: 2 }
		]);
		expect(waitingForOtherAccounts(outbox, null)).toEqual([
			{ account: 'ada@example.com', count: 1 },
			{ account: 'bob@example.com', count: 2 }
		]);
	});
});

describe('age of the synced copy', () => {
	it('says how long ago, in the largest whole unit', () => {
		expect(formatAge(30_000)).toBe('just now');
		expect(formatAge(60_000)).toBe('1 minute ago');
		expect(formatAge(59 * 60_000)).toBe('59 minutes ago');
		expect(formatAge(2 * 3_600_000 + 5)).toBe('2 hours ago');
		expect(formatAge(3 * 86_400_000)).toBe('3 days ago');
		expect(formatAge(-5)).toBe('just now');
	});
});
