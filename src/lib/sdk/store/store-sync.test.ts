// The store's offline copy over the testing twin and over Dexie (fake-indexeddb): what a pull keeps,
// how edits are stamped and queued, and that each account sees its own copy only — never another
// account's, never the rows of an earlier version that kept one copy for whoever was signed in.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { StoreLicense, StoreLicensesResponse, StoreProjectsResponse } from '$lib/protocol/store.js';
import type { ApiOutcome } from '../api/api-client.js';
import type { ServerApi } from '../api/server-api.js';
import { signedInAccount, SIGNED_IN_SETTING } from '../account.js';
import { dexieStorage, LicenseManagerDatabase } from '../browser/dexie-storage.js';
import type { LicenseStorage } from '../platform/storage.js';
import { outboxItemSchema } from '../rows.js';
import { memoryStorage } from '../testing/memory-storage.js';
import { rowOf, rowsOf, testCore } from '../testing/test-core.js';
import {
	dismissConflict,
	pullStore,
	queueStoreEdit,
	readStoreCopy,
	recordLostEditsIn,
	storeSyncedKey
} from './store-sync.js';

let databases = 0;
const adapters: { name: string; open: () => LicenseStorage }[] = [
	{ name: 'memory', open: () => memoryStorage() },
	{ name: 'Dexie', open: () => dexieStorage(new LicenseManagerDatabase(`store-sync-${++databases}`)) }
];

const DEVICE = 'AAAA-AAAA-AAAA';
const PROJECT = '0b5c7c2e-1c1a-4b8e-9a43-000000000001';
const B_PROJECT = '0b5c7c2e-1c1a-4b8e-9a43-00000000000b';
const ADA = 'ada@example.com';
const BOB = 'bob@example.com';
const remoteStamp = { wall: 5_000, counter: 3, device: 'BBBB-BBBB-BBBB' };

const license = (number: string, link: StoreLicense['link'] = null): StoreLicense => ({
	number,
	product: 'SRV',
	productName: '4D Server',
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
	link
});
const ADA_LICENSE = 'SRV-5BQ7-MKXD-3H99';
const BOB_LICENSE = 'DEV-2222-3333-4444';

const lost = {
	edit: {
		kind: 'project-name' as const,
		projectId: PROJECT,
		name: 'Mine',
		stamp: { wall: 4_000, counter: 0, device: DEVICE },
		base: null
	},
	reason: 'older' as const,
	winner: remoteStamp
};

/** What the server holds for each account. */
const server: Record<string, { licenses: StoreLicensesResponse; projects: StoreProjectsResponse }> = {
	[ADA]: {
		licenses: {
			licenses: [license(ADA_LICENSE, { projectId: PROJECT, stamp: remoteStamp })],
			serverTime: 1
		},
		projects: {
			projects: [{ id: PROJECT, name: 'Theirs', nameStamp: remoteStamp, deleted: null }],
			conflicts: [{ id: 'c1', lost, reportedAt: 2 }],
			serverTime: 1
		}
	},
	[BOB]: {
		licenses: { licenses: [license(BOB_LICENSE)], serverTime: 1 },
		projects: {
			projects: [{ id: B_PROJECT, name: 'Bob’s shop', nameStamp: remoteStamp, deleted: null }],
			conflicts: [],
			serverTime: 1
		}
	}
};

/**
 * The server API a pull uses, answering for the session of `state.session` (the network is the
 * boundary here). `state.between` runs after the store answers and before the session is asked
 * again: another tab signing in meanwhile.
 */
function fakeApi(state: { session: string | null; reachable?: boolean; between?: () => void }): ServerApi {
	const reply = async <T>(value: (account: string) => T): Promise<ApiOutcome<T>> => {
		if (state.reachable === false) return { kind: 'unreachable', reason: 'offline' };
		if (state.session === null)
			return {
				kind: 'refused',
				status: 401,
				error: { code: 'not_signed_in', message: 'Sign in to continue.' }
			};
		return { kind: 'ok', value: value(state.session) };
	};
	let answered = 0;
	const answer = <T>(value: (account: string) => T) => {
		const outcome = reply(value);
		if (++answered % 2 === 0) void outcome.then(() => state.between?.());
		return outcome;
	};
	return {
		whoAmI: () => reply((email) => ({ account: { email } })),
		storeLicenses: () => answer((email) => server[email]!.licenses),
		storeProjects: () => answer((email) => server[email]!.projects)
	} as unknown as ServerApi;
}

async function coreOver(storage: LicenseStorage, state: Parameters<typeof fakeApi>[0]) {
	return testCore({ storage, api: fakeApi(state) });
}

const numbers = async (storage: LicenseStorage, account: string | null) =>
	(await readStoreCopy(storage, account)).licenses.map((l) => l.number);

describe.each(adapters)('store offline copy ($name)', ({ open }) => {
	it('keeps the server’s answer with its time, and keeps the copy when the server cannot be reached', async () => {
		const db = open();
		const state: Parameters<typeof fakeApi>[0] = { session: ADA };
		const core = await coreOver(db, state);
		expect(await pullStore(core, 100)).toEqual({ kind: 'ok', account: ADA });
		state.reachable = false;
		expect(await pullStore(core, 200)).toEqual({ kind: 'unreachable' });
		state.reachable = true;
		state.session = null;
		expect(await pullStore(core, 300)).toEqual({ kind: 'signed-out' });
		const copy = await readStoreCopy(db, ADA);
		expect(copy.licenses.map((l) => l.number)).toEqual([ADA_LICENSE]);
		expect(copy.projects.map((p) => p.name)).toEqual(['Theirs']);
		expect(copy.syncedAt).toBe(100);
		expect((await rowOf(db, 'syncState', storeSyncedKey(ADA)))?.value).toBe(100);
		// The rows read back are the server's, without the account they are filed under.
		expect(copy.licenses[0]).toEqual(server[ADA]!.licenses.licenses[0]);
	});

	it('pulled as one account then as another, shows each only its own; the first one’s is back when it signs in again', async () => {
		const db = open();
		const state: Parameters<typeof fakeApi>[0] = { session: ADA };
		const core = await coreOver(db, state);
		await pullStore(core, 100);
		state.session = BOB;
		expect(await pullStore(core, 200)).toEqual({ kind: 'ok', account: BOB });

		const bob = await readStoreCopy(db, BOB);
		expect(bob.licenses.map((l) => l.number)).toEqual([BOB_LICENSE]);
		expect(bob.projects.map((p) => p.name)).toEqual(['Bob’s shop']);
		expect(bob.conflicts).toEqual([]);
		expect(bob.syncedAt).toBe(200);
		// Nothing is shown when no account is signed in; e-mails are matched whatever their case.
		expect(await readStoreCopy(db, null)).toEqual({
			licenses: [],
			projects: [],
			conflicts: [],
			syncedAt: null
		});
		expect(await numbers(db, ' Bob@Example.com ')).toEqual([BOB_LICENSE]);

		// Ada's copy stayed on the device, as it was: offline, she sees it again after signing in.
		const ada = await readStoreCopy(db, ADA);
		expect(ada.licenses.map((l) => l.number)).toEqual([ADA_LICENSE]);
		expect(ada.projects.map((p) => p.name)).toEqual(['Theirs']);
		expect(ada.conflicts.map((c) => c.id)).toEqual(['c1']);
		expect(ada.syncedAt).toBe(100);

		// Her next pull replaces her rows only.
		state.session = ADA;
		await pullStore(core, 300);
		expect(await numbers(db, BOB)).toEqual([BOB_LICENSE]);
		expect((await readStoreCopy(db, ADA)).syncedAt).toBe(300);
		expect(await signedInAccount(db)).toBe(ADA);
	});

	it('stores nothing when another account signed in while the answers came', async () => {
		const db = open();
		const state: Parameters<typeof fakeApi>[0] = { session: ADA };
		const core = await coreOver(db, state);
		state.between = () => (state.session = BOB);
		expect(await pullStore(core, 100)).toMatchObject({ kind: 'refused', error: { code: 'session_changed' } });
		expect(await numbers(db, ADA)).toEqual([]);
		expect(await numbers(db, BOB)).toEqual([]);
		expect(await rowsOf(db, 'storeLicenses')).toEqual([]);
	});

	it('shows the rows of an earlier version (no account) to nobody, and drops them at the first pull', async () => {
		const db = open();
		await db.transaction(
			'rw',
			['storeLicenses', 'storeProjects', 'storeConflicts', 'syncState'],
			async (tx) => {
				await tx.put('storeLicenses', license('OLD-2222-3333-4444'));
				await tx.put('storeProjects', { id: PROJECT, name: 'Old', nameStamp: remoteStamp, deleted: null });
				await tx.put('storeConflicts', { id: 'c-old', lost, reportedAt: 1, dismissed: false });
				await tx.put('syncState', { key: 'storeSyncedAt', value: 50 });
			}
		);
		for (const account of [ADA, BOB, '', null]) {
			expect(await readStoreCopy(db, account)).toEqual({
				licenses: [],
				projects: [],
				conflicts: [],
				syncedAt: null
			});
		}
		const core = await coreOver(db, { session: BOB });
		await pullStore(core, 100);
		expect((await rowsOf(db, 'storeLicenses')).map((row) => [row.number, row.account])).toEqual([
			[BOB_LICENSE, BOB]
		]);
		expect((await rowsOf(db, 'storeProjects')).map((row) => row.name)).toEqual(['Bob’s shop']);
		expect(await rowsOf(db, 'storeConflicts')).toEqual([]);
		expect(await rowOf(db, 'syncState', 'storeSyncedAt')).toBeUndefined();
	});

	it('stamps an edit after every stamp it has seen, even with a slower clock, and queues it for its account', async () => {
		const db = open();
		const core = await coreOver(db, { session: ADA });
		await pullStore(core, 100);
		const edit = await queueStoreEdit(
			db,
			DEVICE,
			'Ada@Example.com',
			(stamp) => ({ kind: 'project-delete', projectId: PROJECT, stamp, base: remoteStamp }),
			1_000
		);
		expect(edit.stamp).toEqual({ wall: 5_000, counter: 4, device: DEVICE });
		const [item] = await rowsOf(db, 'outbox');
		expect(outboxItemSchema.parse(item)).toMatchObject({
			type: 'store-edit',
			state: 'queued',
			account: ADA,
			payload: { edit }
		});
		const next = await queueStoreEdit(
			db,
			DEVICE,
			ADA,
			(stamp) => ({ kind: 'license-link', licenseNumber: ADA_LICENSE, projectId: null, stamp, base: null }),
			9_000
		);
		expect(next.stamp).toEqual({ wall: 9_000, counter: 0, device: DEVICE });

		// Once applied, the next pull brings its result: the outbox forgets it; a queued one stays.
		await db.transaction('rw', ['outbox'], (tx) => tx.update('outbox', String(item!.id), { state: 'done' }));
		await pullStore(core, 10_000);
		expect((await rowsOf(db, 'outbox')).map((row) => row.payload)).toEqual([{ edit: next }]);
	});

	it('keeps an applied edit of one account until that account’s own pull brings its result', async () => {
		const db = open();
		const state: Parameters<typeof fakeApi>[0] = { session: ADA };
		const core = await coreOver(db, state);
		await queueStoreEdit(
			db,
			DEVICE,
			ADA,
			(stamp) => ({ kind: 'project-name', projectId: PROJECT, name: 'Ada’s', stamp, base: null }),
			1_000
		);
		const [item] = await rowsOf(db, 'outbox');
		await db.transaction('rw', ['outbox'], (tx) => tx.update('outbox', String(item!.id), { state: 'done' }));
		// Bob's list does not hold Ada's edit: it stays to be applied on her copy until her next pull.
		state.session = BOB;
		await pullStore(core, 2_000);
		expect((await rowsOf(db, 'outbox')).map((row) => row.id)).toEqual([item!.id]);
		state.session = ADA;
		await pullStore(core, 3_000);
		expect(await rowsOf(db, 'outbox')).toEqual([]);
	});

	it('keeps lost edits for their account until dismissed, and a dismissal survives the next pull', async () => {
		const db = open();
		const core = await coreOver(db, { session: ADA });
		await db.transaction('rw', ['storeConflicts'], (tx) => recordLostEditsIn(tx, { lost: [lost] }, 50, ADA));
		await db.transaction('rw', ['storeConflicts'], (tx) => recordLostEditsIn(tx, { lost: [] }, 60, ADA));
		expect((await readStoreCopy(db, ADA)).conflicts).toHaveLength(1);
		expect((await readStoreCopy(db, BOB)).conflicts).toEqual([]);
		await pullStore(core, 100);
		await dismissConflict(db, 'c1');
		await pullStore(core, 200);
		expect((await readStoreCopy(db, ADA)).conflicts).toEqual([
			{ id: 'c1', lost, reportedAt: 2, dismissed: true }
		]);
	});

	it('files a lost edit of an item that names no account under the account signed in, or under nobody', async () => {
		const db = open();
		await db.transaction('rw', ['storeConflicts', 'settings'], async (tx) => {
			await tx.put('settings', { key: SIGNED_IN_SETTING, value: BOB });
			await recordLostEditsIn(tx, { lost: [lost] }, 50);
		});
		expect((await readStoreCopy(db, BOB)).conflicts).toHaveLength(1);
		expect((await readStoreCopy(db, ADA)).conflicts).toEqual([]);
		// A transaction that cannot tell: the row is nobody's (the next pull brings the server's).
		await db.transaction('rw', ['storeConflicts'], (tx) => tx.clear('storeConflicts'));
		await db.transaction('rw', ['storeConflicts'], (tx) => recordLostEditsIn(tx, { lost: [lost] }, 60));
		expect((await rowsOf(db, 'storeConflicts')).map((row) => row.account)).toEqual([undefined]);
		expect((await readStoreCopy(db, BOB)).conflicts).toEqual([]);
	});
});
