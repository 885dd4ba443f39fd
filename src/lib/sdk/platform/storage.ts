// Where the client core keeps its data: an adapter each platform provides (IndexedDB through Dexie in
// browsers, a file in Node, memory in tests), behind this one small interface. The core never sees
// which: it reads and writes rows of named tables inside transactions, and parses every row it reads
// back (the storage is not fully under its control: another version, another process or a user can
// write to it).
//
// A transaction's work may await only the transaction's own calls: IndexedDB ends a transaction
// that waits on anything else (a fetch, a signature), so the core prepares such work before it
// opens one. Every adapter keeps to the same rule, so the core behaves the same on each.

import { AirlockError } from '../errors.js';

/** The tables and the property each row is keyed by. */
export const TABLE_KEYS = {
	/** This device's identity; its private key never leaves the device. */
	identity: 'id',
	/** The verified license files on this device and what was read from them. */
	licenses: 'licenseNumber',
	/** Operations waiting for the server, sent in order by the outbox. */
	outbox: 'id',
	/** Sync bookkeeping: last contact with the server, the trusted clock, the server's time. */
	syncState: 'key',
	/** Preferences, kept keys and codes, notices already shown. */
	settings: 'key',
	/** The account's license list as last synced from the server (the store's offline copy). */
	storeLicenses: 'number',
	/** The account's projects as last synced, deleted ones as tombstones. */
	storeProjects: 'id',
	/** Edits that lost to another device's, until the user dismisses them. */
	storeConflicts: 'id'
} as const;

export type TableName = keyof typeof TABLE_KEYS;
export const TABLE_NAMES = Object.keys(TABLE_KEYS) as TableName[];

/** A row as stored: the core parses it before use. */
export type StoredRow = Record<string, unknown>;

export interface RangeQuery {
	/** Rows whose `field` equals `value` (an indexed field: `outbox.state`). */
	field: string;
	value: string;
	/** Oldest first by this field (`createdAt`), then by key. */
	orderBy: string;
	limit: number;
	/** Keys to leave out (rows already in hand). */
	skip?: ReadonlySet<string>;
}

export interface StorageTransaction {
	get(table: TableName, key: string): Promise<StoredRow | undefined>;
	getMany(table: TableName, keys: readonly string[]): Promise<(StoredRow | undefined)[]>;
	all(table: TableName): Promise<StoredRow[]>;
	/** The rows whose `field` is one of `values`. */
	where(table: TableName, field: string, values: readonly string[]): Promise<StoredRow[]>;
	count(table: TableName, field: string, values: readonly string[]): Promise<number>;
	range(table: TableName, query: RangeQuery): Promise<StoredRow[]>;
	put(table: TableName, row: object): Promise<void>;
	putMany(table: TableName, rows: readonly object[]): Promise<void>;
	/** Changes some properties of a row; false when there is no such row. */
	update(table: TableName, key: string, changes: object): Promise<boolean>;
	updateMany(table: TableName, updates: readonly { key: string; changes: object }[]): Promise<void>;
	delete(table: TableName, key: string): Promise<void>;
	deleteMany(table: TableName, keys: readonly string[]): Promise<void>;
	clear(table: TableName): Promise<void>;
}

export type TransactionMode = 'r' | 'rw';

/** Why the storage can no longer be used (see LicenseStorage.onClosed). */
export interface StorageClosed {
	reason: 'deleted' | 'closed' | 'upgraded-elsewhere';
	message: string;
}

export interface LicenseStorage {
	/** A name for diagnostics: "IndexedDB (airlock-license-manager)", a file path, "memory". */
	readonly description: string;
	/**
	 * Whether rows may hold WebCrypto CryptoKey objects (IndexedDB keeps them, non-extractable; a file
	 * cannot). Where it cannot, the device key is kept as bytes, readable by its owner only.
	 */
	readonly holdsCryptoKeys: boolean;
	transaction<R>(
		mode: TransactionMode,
		tables: readonly TableName[],
		work: (tx: StorageTransaction) => Promise<R>
	): Promise<R>;
	/**
	 * Tells `listener` which tables changed after each committed write — this program's and, where
	 * the platform can tell, another tab's, worker's or process's. Returns the unsubscribe.
	 */
	subscribe(listener: (tables: ReadonlySet<TableName>) => void): () => void;
	/** Tells `listener` when the storage was deleted or closed under the program (see issue of faults). */
	onClosed(listener: (closed: StorageClosed) => void): () => void;
	close(): Promise<void>;
}

/** Thrown by an adapter when what it holds cannot be read as a store (and nothing was changed). */
export class StorageDamagedError extends Error {
	override name = 'StorageDamagedError';
	constructor(
		message: string,
		/** What the user or the vendor can do about it. */
		readonly remedy: string
	) {
		super(message);
	}
}

/**
 * Thrown by every transaction after the storage was deleted or closed under the program: nothing is
 * read or written any more, so no action can report success over data that is gone.
 */
export class StorageClosedError extends AirlockError {
	override name = 'StorageClosedError';
	constructor(readonly closed: StorageClosed) {
		super(
			'storage_closed',
			closed.message,
			'Restart the program (in a browser, reload the page). If the licenses are gone, activate them again.'
		);
	}
}

export { isStorageClosed } from './storage-closed.js';

/** Thrown when the platform refused a write because its storage quota is used up. */
export function isStorageFull(error: unknown): boolean {
	for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
		const name = (current as { name?: unknown }).name;
		const code = (current as { code?: unknown }).code;
		if (name === 'QuotaExceededError' || code === 'ENOSPC' || code === 'EDQUOT') return true;
		current =
			(current as { inner?: unknown; cause?: unknown }).inner ?? (current as { cause?: unknown }).cause;
	}
	return false;
}
