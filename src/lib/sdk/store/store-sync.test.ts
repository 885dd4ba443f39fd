import { describe, expect, it } from 'vitest';
import type { StoreLicensesResponse, StoreProjectsResponse } from '$lib/protocol/store.js';
import type { ApiOutcome } from '../api/api-client.js';
import type { ServerApi } from '../api/server-api.js';
import { outboxItemSchema } from '../rows.js';
import { memoryStorage } from '../testing/memory-storage.js';
import { rowOf, rowsOf } from '../testing/test-core.js';
import {
	dismissConflict,
	pullStore,
	queueStoreEdit,
	readStoreCopy,
	recordLostEditsIn,
	STORE_SYNCED_KEY
} from './store-sync.js';

const fresh = () => memoryStorage();
const DEVICE = 'AAAA-AAAA-AAAA';
const PROJECT = '0b5c7c2e-1c1a-4b8e-9a43-000000000001';
const remoteStamp = { wall: 5_000, counter: 3, device: 'BBBB-BBBB-BBBB' };

const licenses: StoreLicensesResponse = {
	licenses: [
		{
			number: 'SRV-5BQ7-MKXD-3H99',
			product: 'SRV',
			productName: '4D Server',
			kind: 'standard',
			status: 'active',
			expiresAt: null,
			seats: 1,
			seatsUsed: 0,
			expansions: [],
			devices: [],
			link: { projectId: PROJECT, stamp: remoteStamp }
		}
	],
	serverTime: 1
};
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
const projects: StoreProjectsResponse = {
	projects: [{ id: PROJECT, name: 'Theirs', nameStamp: remoteStamp, deleted: null }],
	conflicts: [{ id: 'c1', lost, reportedAt: 2 }],
	serverTime: 1
};

/** The two store reads of the server API, answering as given (the network is the boundary here). */
function api(answer: 'ok' | 'unreachable' | 'not-signed-in'): ServerApi {
	const reply = <T>(value: T): Promise<ApiOutcome<T>> =>
		Promise.resolve(
			answer === 'ok'
				? { kind: 'ok', value }
				: answer === 'unreachable'
					? { kind: 'unreachable', reason: 'offline' }
					: {
							kind: 'refused',
							status: 401,
							error: { code: 'not_signed_in', message: 'Sign in to continue.' }
						}
		);
	return {
		storeLicenses: () => reply(licenses),
		storeProjects: () => reply(projects)
	} as unknown as ServerApi;
}

describe('store offline copy', () => {
	it('keeps the server’s answer with its time, and keeps the copy when the server cannot be reached', async () => {
		const db = fresh();
		expect(await pullStore(db, api('ok'), DEVICE, 100)).toEqual({ kind: 'ok' });
		expect(await pullStore(db, api('unreachable'), DEVICE, 200)).toEqual({ kind: 'unreachable' });
		expect(await pullStore(db, api('not-signed-in'), DEVICE, 300)).toMatchObject({
			kind: 'refused',
			error: { code: 'not_signed_in' }
		});
		const copy = await readStoreCopy(db);
		expect(copy.licenses.map((l) => l.number)).toEqual(['SRV-5BQ7-MKXD-3H99']);
		expect(copy.projects.map((p) => p.name)).toEqual(['Theirs']);
		expect(copy.syncedAt).toBe(100);
		expect((await rowOf(db, 'syncState', STORE_SYNCED_KEY))?.value).toBe(100);
	});

	it('stamps an edit after every stamp it has seen, even with a slower clock, and queues it', async () => {
		const db = fresh();
		await pullStore(db, api('ok'), DEVICE, 100);
		const edit = await queueStoreEdit(
			db,
			DEVICE,
			(stamp) => ({ kind: 'project-delete', projectId: PROJECT, stamp, base: remoteStamp }),
			1_000
		);
		expect(edit.stamp).toEqual({ wall: 5_000, counter: 4, device: DEVICE });
		const [item] = await rowsOf(db, 'outbox');
		expect(outboxItemSchema.parse(item)).toMatchObject({
			type: 'store-edit',
			state: 'queued',
			payload: { edit }
		});
		const next = await queueStoreEdit(
			db,
			DEVICE,
			(stamp) => ({
				kind: 'license-link',
				licenseNumber: 'SRV-5BQ7-MKXD-3H99',
				projectId: null,
				stamp,
				base: null
			}),
			9_000
		);
		expect(next.stamp).toEqual({ wall: 9_000, counter: 0, device: DEVICE });

		// Once applied, the next pull brings its result: the outbox forgets it; a queued one stays.
		await db.transaction('rw', ['outbox'], (tx) => tx.update('outbox', String(item!.id), { state: 'done' }));
		await pullStore(db, api('ok'), DEVICE, 10_000);
		expect((await rowsOf(db, 'outbox')).map((row) => row.payload)).toEqual([{ edit: next }]);
	});

	it('keeps lost edits until dismissed, and a dismissal survives the next pull', async () => {
		const db = fresh();
		await db.transaction('rw', ['storeConflicts'], (tx) => recordLostEditsIn(tx, { lost: [lost] }, 50));
		await db.transaction('rw', ['storeConflicts'], (tx) => recordLostEditsIn(tx, { lost: [] }, 60));
		expect((await readStoreCopy(db)).conflicts).toHaveLength(1);
		await pullStore(db, api('ok'), DEVICE, 100);
		await dismissConflict(db, 'c1');
		await pullStore(db, api('ok'), DEVICE, 200);
		expect((await readStoreCopy(db)).conflicts).toEqual([{ id: 'c1', lost, reportedAt: 2, dismissed: true }]);
	});
});
