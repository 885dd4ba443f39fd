// The client core's storage in browsers (pages and service workers): IndexedDB through Dexie. The
// database's versions are append-only: a new version adds a `version(n).stores()` below the others
// (with an `upgrade()` when data changes), never edits an old one, so every device can upgrade from
// whatever it has. Changes made by other tabs and by the service worker reach `subscribe` through
// Dexie's cross-context change events.
import Dexie, { type Table } from 'dexie';
import {
	isStorageClosed,
	StorageClosedError,
	TABLE_NAMES,
	type LicenseStorage,
	type StorageClosed,
	type StorageTransaction,
	type StoredRow,
	type TableName
} from '../platform/storage.js';

import { DATABASE_NAME } from './database-name.js';

export { DATABASE_NAME } from './database-name.js';

export class LicenseManagerDatabase extends Dexie {
	constructor(name = DATABASE_NAME) {
		super(name);
		this.version(1).stores({
			// Local only: this device's identity; its private key never leaves the browser.
			identity: 'id',
			licenses: 'licenseNumber, product, kind, parent, expiresAt',
			outbox: 'id, state, createdAt, [state+createdAt]',
			// Local only: last successful sync, the trusted clock, the server's time.
			syncState: 'key',
			// Local only: preferences and notices already shown.
			settings: 'key'
		});
		// Version 2 only adds the store's tables: every version 1 table and row stays as it was.
		this.version(2).stores({
			storeLicenses: 'number',
			storeProjects: 'id',
			storeConflicts: 'id'
		});
	}
}

function isTableName(name: string): name is TableName {
	return (TABLE_NAMES as string[]).includes(name);
}

function transactionOver(table: (name: TableName) => Table<StoredRow, string>): StorageTransaction {
	const indexed = (name: TableName, field: string) => table(name).schema.idxByName[field] !== undefined;
	const matching = (name: TableName, field: string, values: readonly string[]) =>
		indexed(name, field)
			? table(name).where(field).anyOf(values)
			: table(name).filter((row) => values.includes(row[field] as string));
	return {
		get: (name, key) => table(name).get(key),
		getMany: (name, keys) => table(name).bulkGet(keys as string[]),
		all: (name) => table(name).toArray(),
		where: (name, field, values) => matching(name, field, values).toArray(),
		count: (name, field, values) => matching(name, field, values).count(),
		// Dexie's own promises all the way, no async wrappers: an IndexedDB transaction commits as
		// soon as no request is pending, and Dexie keeps it open only across its own promises.
		range(name, { field, value, orderBy, limit, skip }) {
			const index = `[${field}+${orderBy}]`;
			if (table(name).schema.idxByName[index] === undefined)
				return Promise.reject(new Error(`The ${name} table has no index ${index}.`));
			// The index's keys first, in one request, so rows already in hand are not read again.
			return table(name)
				.where(index)
				.between([value, Dexie.minKey], [value, Dexie.maxKey])
				.limit(limit + (skip?.size ?? 0))
				.primaryKeys()
				.then((keys) =>
					table(name).bulkGet((keys as string[]).filter((key) => !skip?.has(key)).slice(0, limit))
				)
				.then((rows) => rows.filter((row): row is StoredRow => row !== undefined));
		},
		put: (name, row) =>
			table(name)
				.put(row as StoredRow)
				.then(() => undefined),
		putMany: (name, rows) =>
			table(name)
				.bulkPut(rows as StoredRow[])
				.then(() => undefined),
		update: (name, key, changes) =>
			table(name)
				.update(key, changes)
				.then((count) => count === 1),
		updateMany: (name, updates) =>
			table(name)
				.bulkUpdate(updates.map(({ key, changes }) => ({ key, changes })))
				.then(() => undefined),
		delete: (name, key) => table(name).delete(key),
		deleteMany: (name, keys) => table(name).bulkDelete(keys as string[]),
		clear: (name) => table(name).clear()
	};
}

const DELETED: StorageClosed = {
	reason: 'deleted',
	message: 'The License Manager’s data was deleted in this browser (site data cleared) while it was open.'
};
const CLOSED_BY_BROWSER: StorageClosed = {
	reason: 'closed',
	message:
		'The browser closed the License Manager’s data while it was open (site data cleared, or the disk went away).'
};
const UPGRADED_ELSEWHERE: StorageClosed = {
	reason: 'upgraded-elsewhere',
	message: 'A newer version of the License Manager opened its data in another tab.'
};

/** The Dexie adapter over a database (the page's own by default). */
export function dexieStorage(db: LicenseManagerDatabase = new LicenseManagerDatabase()): LicenseStorage & {
	db: LicenseManagerDatabase;
} {
	const tx = transactionOver((name) => db.table(name) as Table<StoredRow, string>);
	const closedListeners = new Set<(closed: StorageClosed) => void>();
	let closed: StorageClosed | null = null;
	let closingOnPurpose = false;

	function fault(why: StorageClosed): void {
		if (closed || closingOnPurpose) return;
		closed = why;
		// Dexie would open the database again at the next transaction — a new, empty one after a
		// deletion — and the program would go on writing licenses bound to an identity that is gone.
		db.close({ disableAutoOpen: true });
		for (const listener of closedListeners) listener(why);
	}

	// `versionchange` with no new version: another context deletes the database (Dexie then closes
	// this connection); with one, a newer version elsewhere needs it closed.
	db.on('versionchange', (event: IDBVersionChangeEvent) =>
		fault(event.newVersion === null ? DELETED : UPGRADED_ELSEWHERE)
	);
	// The connection's own `close` fires only when the browser closed it (site data cleared, disk
	// gone); Dexie's `close` event also fires when Dexie itself reopens, so it is not the signal.
	db.on(
		'ready',
		(opened: Dexie) => {
			opened.backendDB().addEventListener('close', () => fault(CLOSED_BY_BROWSER));
		},
		true
	);

	return {
		db,
		description: `IndexedDB (${db.name})`,
		holdsCryptoKeys: true,
		transaction<R>(
			mode: 'r' | 'rw',
			tables: readonly TableName[],
			work: (tx: StorageTransaction) => Promise<R>
		) {
			if (closed) return Promise.reject(new StorageClosedError(closed));
			// Dexie's overloads, instantiated with the work's result type, recurse without end in the
			// compiler: called through a plain signature instead.
			const names: string[] = [...tables];
			const plain = db as unknown as {
				transaction(mode: 'r' | 'rw', tables: string[], scope: () => Promise<R>): Promise<R>;
			};
			// An async scope, so that Dexie follows the work's native awaits (it checks the scope's kind):
			// with a plain function it ends the transaction's zone at the first native await.
			return plain
				.transaction(mode, names, async () => work(tx))
				.catch((error: unknown) => {
					if (!isStorageClosed(error) || closingOnPurpose) throw error;
					fault(closed ?? CLOSED_BY_BROWSER);
					throw new StorageClosedError(closed ?? CLOSED_BY_BROWSER);
				});
		},
		subscribe(listener) {
			const prefix = `idb://${db.name}/`;
			const handler = (parts: Record<string, unknown>) => {
				const tables = new Set<TableName>();
				for (const part of Object.keys(parts)) {
					if (!part.startsWith(prefix)) continue;
					const name = part.slice(prefix.length).split('/')[0]!;
					if (isTableName(name)) tables.add(name);
				}
				if (tables.size > 0) listener(tables);
			};
			Dexie.on('storagemutated', handler);
			return () => Dexie.on('storagemutated').unsubscribe(handler);
		},
		onClosed(listener) {
			closedListeners.add(listener);
			if (closed) listener(closed);
			return () => closedListeners.delete(listener);
		},
		async close() {
			closingOnPurpose = true;
			db.close();
		}
	};
}
