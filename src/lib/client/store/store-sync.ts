// The store's offline copy: the license list and projects pulled from the server into IndexedDB,
// and the edits made on this device, stamped and queued in the outbox (sent as `store-edit`).
import type { ApiError } from '$lib/protocol/api';
import {
	nextStamp,
	observeStamp,
	stampSchema,
	storeEditResultSchema,
	type Stamp,
	type StoreEdit
} from '$lib/protocol/store';
import { lostEditKey } from '$lib/protocol/store-merge';
import type { ServerApi } from '../api/server-api';
import type { LicenseManagerDatabase } from '../db/database';
import {
	storeConflictRowSchema,
	storeLicenseRowSchema,
	storeProjectRowSchema,
	type StoreConflictRow,
	type StoreLicenseRow,
	type StoreProjectRow
} from '../db/store-schemas';
import { newOutboxItem } from '../sync/outbox';

const CLOCK_KEY = 'storeClock';
export const STORE_SYNCED_KEY = 'storeSyncedAt';

export type PullOutcome = { kind: 'ok' } | { kind: 'refused'; error: ApiError } | { kind: 'unreachable' };

async function readClock(db: LicenseManagerDatabase): Promise<Stamp | null> {
	const parsed = stampSchema.safeParse((await db.settings.get(CLOCK_KEY))?.value);
	return parsed.success ? parsed.data : null;
}

/** Moves this device's clock past every stamp it has seen, so its next edit orders after them. */
async function observeAll(db: LicenseManagerDatabase, stamps: Stamp[], deviceId: string): Promise<void> {
	let clock = (await readClock(db)) ?? null;
	for (const stamp of stamps) clock = observeStamp(clock, stamp);
	if (clock) await db.settings.put({ key: CLOCK_KEY, value: { ...clock, device: deviceId } });
}

/** Replaces the offline copy with the server's, in one transaction; keeps dismissals. */
export async function pullStore(
	db: LicenseManagerDatabase,
	api: ServerApi,
	deviceId: string,
	now = Date.now()
): Promise<PullOutcome> {
	// Edits the server applied before this pull are in its answer: once it is stored they need not be
	// applied on top of it any more, so the outbox forgets them (the view stays the same).
	const absorbed = (await db.outbox.where('state').equals('done').toArray())
		.filter((item) => item.type === 'store-edit')
		.map((item) => item.id);
	const [licenses, projects] = await Promise.all([api.storeLicenses(), api.storeProjects()]);
	if (licenses.kind === 'unreachable' || projects.kind === 'unreachable') return { kind: 'unreachable' };
	if (licenses.kind === 'refused') return { kind: 'refused', error: licenses.error };
	if (projects.kind === 'refused') return { kind: 'refused', error: projects.error };
	await db.transaction(
		'rw',
		[db.storeLicenses, db.storeProjects, db.storeConflicts, db.syncState, db.settings, db.outbox],
		async () => {
			await db.outbox.bulkDelete(absorbed);
			const dismissed = new Set(
				(await db.storeConflicts.toArray()).filter((row) => row.dismissed).map((row) => row.id)
			);
			await db.storeLicenses.clear();
			await db.storeLicenses.bulkPut(licenses.value.licenses);
			await db.storeProjects.clear();
			await db.storeProjects.bulkPut(projects.value.projects);
			await db.storeConflicts.clear();
			await db.storeConflicts.bulkPut(
				projects.value.conflicts.map((conflict) => ({ ...conflict, dismissed: dismissed.has(conflict.id) }))
			);
			await db.syncState.put({ key: STORE_SYNCED_KEY, value: now });
			await observeAll(
				db,
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
	db: LicenseManagerDatabase,
	deviceId: string,
	make: (stamp: Stamp) => StoreEdit,
	now = Date.now()
): Promise<StoreEdit> {
	return db.transaction('rw', [db.settings, db.outbox], async () => {
		const stamp = nextStamp(await readClock(db), now, deviceId);
		await db.settings.put({ key: CLOCK_KEY, value: stamp });
		const edit = make(stamp);
		await db.outbox.add(newOutboxItem('store-edit', { edit }, now));
		return edit;
	});
}

/** Keeps the edits an applied `store-edit` reports as lost, to show them to the user. */
export async function recordLostEdits(db: LicenseManagerDatabase, result: unknown, now = Date.now()) {
	const parsed = storeEditResultSchema.safeParse(result);
	if (!parsed.success || parsed.data.lost.length === 0) return;
	await db.storeConflicts.bulkPut(
		parsed.data.lost.map((lost) => ({ id: lostEditKey(lost), lost, reportedAt: now, dismissed: false }))
	);
}

export async function dismissConflict(db: LicenseManagerDatabase, id: string): Promise<void> {
	await db.storeConflicts.update(id, { dismissed: true });
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
export async function readStoreCopy(db: LicenseManagerDatabase): Promise<{
	licenses: StoreLicenseRow[];
	projects: StoreProjectRow[];
	conflicts: StoreConflictRow[];
	syncedAt: number | null;
}> {
	const [licenses, projects, conflicts, synced] = await Promise.all([
		db.storeLicenses.toArray(),
		db.storeProjects.toArray(),
		db.storeConflicts.toArray(),
		db.syncState.get(STORE_SYNCED_KEY)
	]);
	return {
		licenses: parsedRows(licenses, storeLicenseRowSchema),
		projects: parsedRows(projects, storeProjectRowSchema),
		conflicts: parsedRows(conflicts, storeConflictRowSchema),
		syncedAt: typeof synced?.value === 'number' ? synced.value : null
	};
}
