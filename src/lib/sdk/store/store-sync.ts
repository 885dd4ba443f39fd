// The store's offline copy: the license list and projects pulled from the server into the core's
// storage, and the edits made on this device, stamped and queued in the outbox (sent as `store-edit`).
//
// The copy is kept per account: each row names the account it came for, a pull replaces only that
// account's rows, and a page reads only the rows of the account it shows. One browser profile may
// be used by several accounts in turn; none of them ever sees another's licenses or projects, and
// an account's copy is there again when it signs in again.
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
import { checkSession, SIGNED_IN_SETTING } from '../account.js';
import type { Core } from '../core.js';
import { enqueue, newOutboxItem } from '../outbox/outbox.js';
import type { LicenseStorage, StorageTransaction, StoredRow, TableName } from '../platform/storage.js';
import {
	accountKey,
	ownerOf,
	storeConflictRowSchema,
	storeLicenseRowSchema,
	storeProjectRowSchema,
	type StoreConflictRow,
	type StoreLicenseRow,
	type StoreProjectRow
} from './store-rows.js';

const CLOCK_KEY = 'storeClock';
/** Where the versions that kept one copy for everyone kept its sync time; removed at the next pull. */
const UNOWNED_SYNCED_KEY = 'storeSyncedAt';

/** The syncState key of the time an account's copy was pulled. */
export function storeSyncedKey(account: string): string {
	return `${UNOWNED_SYNCED_KEY}:${accountKey(account)}`;
}

export type PullOutcome =
	| { kind: 'ok'; account: string }
	/** The server has no session for this browser: nothing was stored. */
	| { kind: 'signed-out' }
	| { kind: 'refused'; error: ApiError }
	| { kind: 'unreachable' };

const SESSION_CHANGED: ApiError = {
	code: 'session_changed',
	message: 'Another account signed in while the list was being read. Try again.'
};

/** A session that ended between the check and the answers is told as such, not as an error. */
const refusal = (error: ApiError): PullOutcome =>
	error.code === 'not_signed_in' ? { kind: 'signed-out' } : { kind: 'refused', error };

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

/**
 * The keys of the rows a pull for `account` replaces: that account's, and those that name no account
 * (stored by an earlier version, or damaged), which belong to nobody and go with the first pull.
 */
function replacedKeys(rows: StoredRow[], account: string, key: string): string[] {
	return rows.flatMap((row) => {
		const owner = ownerOf(row);
		return owner === null || owner === account ? [String(row[key])] : [];
	});
}

async function replaceRows(
	tx: StorageTransaction,
	table: TableName,
	key: string,
	account: string,
	rows: readonly object[]
): Promise<void> {
	await tx.deleteMany(table, replacedKeys(await tx.all(table), account, key));
	await tx.putMany(
		table,
		rows.map((row) => ({ ...row, account }))
	);
}

/**
 * Replaces the offline copy of the account signed in with the server's, in one transaction; keeps
 * its dismissals, and every other account's copy as it is.
 *
 * The server's answers do not say whose they are: the session is asked before and after them, and
 * nothing is stored unless both name the same account (a sign-in in another tab meanwhile could
 * otherwise file one account's list under another's name). Asking also keeps the account
 * remembered as signed in (account.ts) in step with the server.
 */
export async function pullStore(core: Core, now: number = core.clock.now()): Promise<PullOutcome> {
	const session = await checkSession(core);
	if (session === 'unreachable') return { kind: 'unreachable' };
	if (session === null) return { kind: 'signed-out' };
	const account = accountKey(session);
	// Edits the server applied before this pull are in its answer: once it is stored they need not be
	// applied on top of it any more, so the outbox forgets them (the view stays the same). Only this
	// account's: another account's applied edits are in its own copy, not in this answer.
	const absorbed = await core.storage.transaction('r', ['outbox'], async (tx) =>
		(await tx.where('outbox', 'state', ['done']))
			.filter((row) => row.type === 'store-edit')
			.filter((row) => typeof row.account !== 'string' || accountKey(row.account) === account)
			.map((row) => String(row.id))
	);
	const [licenses, projects] = await Promise.all([core.api.storeLicenses(), core.api.storeProjects()]);
	if (licenses.kind === 'unreachable' || projects.kind === 'unreachable') return { kind: 'unreachable' };
	if (licenses.kind === 'refused') return refusal(licenses.error);
	if (projects.kind === 'refused') return refusal(projects.error);
	const after = await checkSession(core);
	if (after === 'unreachable') return { kind: 'unreachable' };
	if (after === null) return { kind: 'signed-out' };
	if (accountKey(after) !== account) return { kind: 'refused', error: SESSION_CHANGED };

	const deviceId = core.identity.deviceId;
	await core.storage.transaction(
		'rw',
		['storeLicenses', 'storeProjects', 'storeConflicts', 'syncState', 'settings', 'outbox'],
		async (tx) => {
			await tx.deleteMany('outbox', absorbed);
			const dismissed = new Set(
				(await tx.all('storeConflicts'))
					.filter((row) => ownerOf(row) === account && row.dismissed === true)
					.map((row) => String(row.id))
			);
			await replaceRows(tx, 'storeLicenses', 'number', account, licenses.value.licenses);
			await replaceRows(tx, 'storeProjects', 'id', account, projects.value.projects);
			await replaceRows(
				tx,
				'storeConflicts',
				'id',
				account,
				projects.value.conflicts.map((conflict) => ({ ...conflict, dismissed: dismissed.has(conflict.id) }))
			);
			await tx.delete('syncState', UNOWNED_SYNCED_KEY);
			await tx.put('syncState', { key: storeSyncedKey(account), value: now });
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
	return { kind: 'ok', account };
}

/**
 * Stamps an edit with this device's clock and queues it for `account`, the account whose copy it
 * was made on (`make` gets the stamp): it is sent only in that account's session, and shown only on
 * that account's copy.
 */
export async function queueStoreEdit(
	storage: LicenseStorage,
	deviceId: string,
	account: string,
	make: (stamp: Stamp) => StoreEdit,
	now: number
): Promise<StoreEdit> {
	return storage.transaction('rw', ['settings', 'outbox'], async (tx) => {
		const stamp = nextStamp(await readClock(tx), now, deviceId);
		await tx.put('settings', { key: CLOCK_KEY, value: stamp });
		const edit = make(stamp);
		await enqueue(tx, { ...newOutboxItem('store-edit', { edit }, now), account: accountKey(account) });
		return edit;
	});
}

/**
 * Keeps the edits an applied `store-edit` reports as lost, to show them on the copy of `account`
 * (the item's). For an item that names none (queued by an earlier version), the account remembered
 * as signed in, in whose session the server applied it; when that cannot be read either, the rows
 * are nobody's, and the next pull brings the server's own record of them.
 */
export async function recordLostEditsIn(
	tx: StorageTransaction,
	result: StoreEditResult,
	now: number,
	account?: string | null
) {
	if (result.lost.length === 0) return;
	const owner = account ? accountKey(account) : await rememberedIn(tx);
	await tx.putMany(
		'storeConflicts',
		result.lost.map((lost) => ({
			id: lostEditKey(lost),
			lost,
			reportedAt: now,
			dismissed: false,
			...(owner ? { account: owner } : {})
		}))
	);
}

async function rememberedIn(tx: StorageTransaction): Promise<string | null> {
	try {
		const row = await tx.get('settings', SIGNED_IN_SETTING);
		return typeof row?.value === 'string' ? accountKey(row.value) : null;
	} catch {
		// A transaction without the settings table: the outbox's always has it, so only a caller's.
		return null;
	}
}

export async function dismissConflict(storage: LicenseStorage, id: string): Promise<void> {
	await storage.transaction('rw', ['storeConflicts'], (tx) =>
		tx.update('storeConflicts', id, { dismissed: true })
	);
}

function parsedRows<T>(
	rows: StoredRow[],
	account: string,
	schema: { safeParse(value: unknown): { success: boolean; data?: T } }
): T[] {
	return rows.flatMap((row) => {
		if (ownerOf(row) !== account) return [];
		const parsed = schema.safeParse(row);
		return parsed.success ? [parsed.data as T] : [];
	});
}

export interface StoreCopy {
	licenses: StoreLicenseRow[];
	projects: StoreProjectRow[];
	conflicts: StoreConflictRow[];
	syncedAt: number | null;
}

const EMPTY_COPY: StoreCopy = { licenses: [], projects: [], conflicts: [], syncedAt: null };

/**
 * The offline copy of `account` (none when no account is signed in), every row checked: a damaged
 * row is left out rather than crash the page, and so is every row of another account or of none.
 */
export async function readStoreCopy(storage: LicenseStorage, account: string | null): Promise<StoreCopy> {
	if (account === null || account.trim() === '') return EMPTY_COPY;
	const owner = accountKey(account);
	// Every row is read and filtered here rather than through a query on `account`: IndexedDB reads a
	// table in one request (an unindexed query walks a cursor, row by row), and a profile rarely holds
	// more than one or two accounts' copies.
	const [licenses, projects, conflicts, synced] = await storage.transaction(
		'r',
		['storeLicenses', 'storeProjects', 'storeConflicts', 'syncState'],
		(tx) =>
			Promise.all([
				tx.all('storeLicenses'),
				tx.all('storeProjects'),
				tx.all('storeConflicts'),
				tx.get('syncState', storeSyncedKey(owner))
			])
	);
	return {
		licenses: parsedRows(licenses, owner, storeLicenseRowSchema),
		projects: parsedRows(projects, owner, storeProjectRowSchema),
		conflicts: parsedRows(conflicts, owner, storeConflictRowSchema),
		syncedAt: typeof synced?.value === 'number' ? synced.value : null
	};
}
