// A read-only view of the License Manager's IndexedDB database without Dexie, for a page that only
// checks licenses (openLicenseCheck): Dexie is about 30 KB gzip, this and `idb` about 1. It reads the
// same database the Dexie adapter writes (same name, tables and rows) and never creates or changes
// it: on a browser that has none, every check answers `not_activated`.
import { openDB, type IDBPDatabase } from 'idb';
import type { LicenseStorage, StorageTransaction, StoredRow, TableName } from '../platform/storage.js';
import { DATABASE_NAME } from './database-name.js';

const READ_ONLY = 'This storage is read-only: open the licenses with openLicenses to change them.';

function readOnly(): never {
	throw new Error(READ_ONLY);
}

/** Opens the database if it exists; null when this browser has none (nothing is created). */
async function openExisting(name: string): Promise<IDBPDatabase | null> {
	let created = false;
	const db = await openDB(name, undefined, {
		upgrade(_db, _old, _new, transaction) {
			// Only a database that does not exist yet is upgraded by a versionless open: leave it so.
			created = true;
			// Its `done` promise rejects with the abort: handled here, or the page reports an
			// unhandled AbortError on every browser that has no database yet.
			transaction.done.catch(() => undefined);
			transaction.abort();
		}
	}).catch((error: unknown) => {
		if (created) return null;
		throw error;
	});
	return db;
}

export async function indexedDbReader(name: string = DATABASE_NAME): Promise<LicenseStorage> {
	let db = await openExisting(name);
	const holds = (table: TableName) => db !== null && db.objectStoreNames.contains(table);
	const one = async (table: TableName, key: string) =>
		holds(table) ? ((await db!.get(table, key)) as StoredRow | undefined) : undefined;
	const rows = async (table: TableName) => (holds(table) ? ((await db!.getAll(table)) as StoredRow[]) : []);
	const matching = async (table: TableName, field: string, values: readonly string[]) =>
		(await rows(table)).filter((row) => values.includes(row[field] as string));
	const tx: StorageTransaction = {
		get: one,
		getMany: (table, keys) => Promise.all(keys.map((key) => one(table, key))),
		all: rows,
		where: matching,
		count: async (table, field, values) => (await matching(table, field, values)).length,
		range: readOnly,
		put: readOnly,
		putMany: readOnly,
		update: readOnly,
		updateMany: readOnly,
		delete: readOnly,
		deleteMany: readOnly,
		clear: readOnly
	};
	// Changes by the License Manager (another tab, its service worker) reach here through Dexie's
	// broadcast of its change events; a check then reads the database again.
	const channel = typeof BroadcastChannel !== 'undefined' ? new BroadcastChannel('x-storagemutated-1') : null;
	const listeners = new Set<(tables: ReadonlySet<TableName>) => void>();
	const all: ReadonlySet<TableName> = new Set(['identity', 'licenses', 'settings', 'syncState']);
	channel?.addEventListener('message', () => {
		// A database made since this page opened (the first activation) is opened now.
		void (async () => {
			db ??= await openExisting(name);
			for (const listener of listeners) listener(all);
		})();
	});
	return {
		description: `IndexedDB (${name}, read-only)`,
		holdsCryptoKeys: true,
		async transaction(mode, _tables, work) {
			if (mode !== 'r') readOnly();
			return work(tx);
		},
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		onClosed() {
			return () => {};
		},
		async close() {
			channel?.close();
			db?.close();
		}
	};
}
