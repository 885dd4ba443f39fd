// The store's offline copy: the license list and projects pulled from the server into the core's
// storage, and the edits made on this device, stamped and queued in the outbox (sent as `store-edit`).
import type { ApiError } from '$lib/protocol/api.js';
import {
	nextStamp,
	observeStamp,
	stampSchema,
	type Stamp,
	type StoreEdit,
	type StoreEditResult
} from '$lib/protocol/store.js';
import { lostEditKey } from '$lib/protocol/store-merge.js';
import type { ServerApi } from '../api/server-api.js';
import { enqueue, newOutboxItem } from '../outbox/outbox.js';
import type { LicenseStorage, StorageTransaction } from '../platform/storage.js';
import {
	storeConflictRowSchema,
	storeLicenseRowSchema,
	storeProjectRowSchema,
	type StoreConflictRow,
	type StoreLicenseRow,
	type StoreProjectRow
} from './store-rows.js';

const CLOCK_KEY = 'storeClock';
export const STORE_SYNCED_KEY = 'storeSyncedAt';

export type PullOutcome = { kind: 'ok' } | { kind: 'refused'; error: ApiError } | { kind: 'unreachable' };

async function readClock(tx: StorageTransaction): Promise<Stamp | null> {
	const parsed = stampSchema.safeParse((await tx.get('settings', CLOCK_KEY))?.value);
	return parsed.success ? parsed.data : null;
}

/** Moves this device's clock past every stamp it has seen, so its next edit orders after them. */
async function observeAll(tx: StorageTransaction, stamps: Stamp[], deviceId: string): Promise<void> {
	let clock = (await readClock(tx)) ?? null;
	for (const stamp of stamps) clock = observeStamp(clock, stamp);
	if (clock) await tx.put('settings', { key: CLOCK_KEY, value: { ...clock, device: deviceId } });
}

/** Replaces the offline copy with the server's, in one transaction; keeps dismissals. */
export async function pullStore(
	storage: LicenseStorage,
	api: ServerApi,
	deviceId: string,
	now: number
): Promise<PullOutcome> {
	// Edits the server applied before this pull are in its answer: once it is stored they need not be
	// applied on top of it any more, so the outbox forgets them (the view stays the same).
	const absorbed = await storage.transaction('r', ['outbox'], async (tx) =>
		(await tx.where('outbox', 'state', ['done']))
			.filter((row) => row.type === 'store-edit')
			.map((row) => String(row.id))
	);
	const [licenses, projects] = await Promise.all([api.storeLicenses(), api.storeProjects()]);
	if (licenses.kind === 'unreachable' || projects.kind === 'unreachable') return { kind: 'unreachable' };
	if (licenses.kind === 'refused') return { kind: 'refused', error: licenses.error };
	if (projects.kind === 'refused') return { kind: 'refused', error: projects.error };
	await storage.transaction(
		'rw',
		['storeLicenses', 'storeProjects', 'storeConflicts', 'syncState', 'settings', 'outbox'],
		async (tx) => {
			await tx.deleteMany('outbox', absorbed);
			const dismissed = new Set(
				(await tx.all('storeConflicts')).filter((row) => row.dismissed === true).map((row) => row.id)
			);
			await tx.clear('storeLicenses');
			await tx.putMany('storeLicenses', licenses.value.licenses);
			await tx.clear('storeProjects');
			await tx.putMany('storeProjects', projects.value.projects);
			await tx.clear('storeConflicts');
			await tx.putMany(
				'storeConflicts',
				projects.value.conflicts.map((conflict) => ({ ...conflict, dismissed: dismissed.has(conflict.id) }))
			);
			await tx.put('syncState', { key: STORE_SYNCED_KEY, value: now });
			await observeAll(
				tx,
				[
					...projects.value.projects.flatMap((p) => (p.deleted ? [p.nameStamp, p.deleted] : [p.nameStamp])),
					...licenses.value.licenses.flatMap((l) => (l.link ? [l.link.stamp] : []))
				],
				deviceId
			);
		}
	);
	return { kind: 'ok' };
}

/** Stamps an edit with this device's clock and queues it; `make` gets the stamp. */
export async function queueStoreEdit(
	storage: LicenseStorage,
	deviceId: string,
	make: (stamp: Stamp) => StoreEdit,
	now: number
): Promise<StoreEdit> {
	return storage.transaction('rw', ['settings', 'outbox'], async (tx) => {
		const stamp = nextStamp(await readClock(tx), now, deviceId);
		await tx.put('settings', { key: CLOCK_KEY, value: stamp });
		const edit = make(stamp);
		await enqueue(tx, newOutboxItem('store-edit', { edit }, now));
		return edit;
	});
}

/** Keeps the edits an applied `store-edit` reports as lost, to show them to the user. */
export async function recordLostEditsIn(tx: StorageTransaction, result: StoreEditResult, now: number) {
	if (result.lost.length === 0) return;
	await tx.putMany(
		'storeConflicts',
		result.lost.map((lost) => ({ id: lostEditKey(lost), lost, reportedAt: now, dismissed: false }))
	);
}

export async function dismissConflict(storage: LicenseStorage, id: string): Promise<void> {
	await storage.transaction('rw', ['storeConflicts'], (tx) =>
		tx.update('storeConflicts', id, { dismissed: true })
	);
}

function parsedRows<T>(
	rows: unknown[],
	schema: { safeParse(value: unknown): { success: boolean; data?: T } }
): T[] {
	return rows.flatMap((row) => {
		const parsed = schema.safeParse(row);
		return parsed.success ? [parsed.data as T] : [];
	});
}

/** The offline copy, every row checked: a damaged row is left out rather than crash the page. */
export async function readStoreCopy(storage: LicenseStorage): Promise<{
	licenses: StoreLicenseRow[];
	projects: StoreProjectRow[];
	conflicts: StoreConflictRow[];
	syncedAt: number | null;
}> {
	const [licenses, projects, conflicts, synced] = await storage.transaction(
		'r',
		['storeLicenses', 'storeProjects', 'storeConflicts', 'syncState'],
		(tx) =>
			Promise.all([
				tx.all('storeLicenses'),
				tx.all('storeProjects'),
				tx.all('storeConflicts'),
				tx.get('syncState', STORE_SYNCED_KEY)
			])
	);
	return {
		licenses: parsedRows(licenses, storeLicenseRowSchema),
		projects: parsedRows(projects, storeProjectRowSchema),
		conflicts: parsedRows(conflicts, storeConflictRowSchema),
		syncedAt: typeof synced?.value === 'number' ? synced.value : null
	};
}
