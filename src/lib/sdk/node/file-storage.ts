// The client core's storage for Node programs: the tables in one JSON file and the device key in
// another, in a folder of the program's. Every commit writes a temporary file, flushes it to disk and
// renames it over the old one (write-file-atomic), so a crash or a full disk leaves the last good
// file, never half of one. Both files are readable by their owner only (the device key is the
// device's identity). Several processes may use one folder: writes take a lock file
// (proper-lockfile), and each transaction first reads the file again if another process changed it.
import { watch, type FSWatcher } from 'node:fs';
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import writeFileAtomic from 'write-file-atomic';
import { decodeBase64url, encodeBase64url } from '$lib/protocol/base64url.js';
import { emptyTables, runOnTables, serialQueue, type TableData } from '../platform/memory-tables.js';
import {
	StorageClosedError,
	StorageDamagedError,
	TABLE_KEYS,
	TABLE_NAMES,
	type LicenseStorage,
	type StorageClosed,
	type StoredRow,
	type TableName
} from '../platform/storage.js';

export const STORE_FILE = 'licenses.json';
export const KEY_FILE = 'device-key.json';
const LOCK_FILE = 'store.lock';
const FORMAT = 'airlock-store/1';
const OWNER_ONLY = 0o600;

/** Bytes (the device key) as `{ "$bytes": base64url }` in the JSON. */
function replacer(_key: string, value: unknown): unknown {
	return value instanceof Uint8Array ? { $bytes: encodeBase64url(value) } : value;
}

function reviver(_key: string, value: unknown): unknown {
	if (value && typeof value === 'object' && !Array.isArray(value)) {
		const entries = Object.keys(value);
		const bytes = (value as { $bytes?: unknown }).$bytes;
		if (entries.length === 1 && typeof bytes === 'string') return decodeBase64url(bytes) ?? value;
	}
	return value;
}

type Fingerprint = string;

async function fingerprintOf(path: string): Promise<Fingerprint> {
	try {
		const info = await stat(path);
		return `${info.ino}:${info.size}:${info.mtimeMs}`;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'none';
		throw error;
	}
}

function damaged(path: string, why: string): StorageDamagedError {
	return new StorageDamagedError(
		`The license store ${path} is damaged (${why}); nothing in it was changed.`,
		`Put back a backup of ${path}, or move it aside (rename it) and activate this computer's licenses again.`
	);
}

/** Reads one of the two files into tables; a missing file is an empty store. */
async function readTables(
	path: string,
	tables: readonly TableName[]
): Promise<Map<TableName, Map<string, StoredRow>>> {
	let text: string;
	try {
		text = await readFile(path, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map(tables.map((t) => [t, new Map()]));
		throw error;
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(text, reviver);
	} catch {
		throw damaged(path, 'it is not complete JSON');
	}
	const body = parsed as { format?: unknown; tables?: Record<string, unknown> };
	if (body?.format !== FORMAT || typeof body.tables !== 'object' || body.tables === null)
		throw damaged(path, `it is not an ${FORMAT} file`);
	const result = new Map<TableName, Map<string, StoredRow>>();
	for (const table of tables) {
		const rows = body.tables[table] ?? [];
		if (!Array.isArray(rows)) throw damaged(path, `its ${table} are not a list`);
		const byKey = new Map<string, StoredRow>();
		for (const row of rows) {
			const key = (row as Record<string, unknown> | null)?.[TABLE_KEYS[table]];
			if (typeof key !== 'string') throw damaged(path, `a row of its ${table} has no key`);
			byKey.set(key, row as StoredRow);
		}
		result.set(table, byKey);
	}
	return result;
}

const KEY_TABLES: readonly TableName[] = ['identity'];
const STORE_TABLES: readonly TableName[] = TABLE_NAMES.filter((table) => table !== 'identity');

function serialize(data: TableData, tables: readonly TableName[]): string {
	const body = {
		format: FORMAT,
		tables: Object.fromEntries(tables.map((table) => [table, [...data.get(table)!.values()]]))
	};
	return JSON.stringify(body, replacer, 1);
}

export interface FileStorageOptions {
	/** How long a write waits for another process's lock before it fails (default 10 s). */
	lockWaitMs?: number;
	/** How a file is written (tests put a failing one here to play a full disk). */
	writeFile?: (path: string, text: string, options: { mode: number }) => Promise<void>;
}

/** The license store in `dir` (created if needed, readable by its owner only). */
export async function fileStorage(dir: string, options: FileStorageOptions = {}): Promise<LicenseStorage> {
	await mkdir(dir, { recursive: true, mode: 0o700 });
	const storePath = join(dir, STORE_FILE);
	const keyPath = join(dir, KEY_FILE);
	const lockPath = join(dir, LOCK_FILE);
	const queue = serialQueue();
	const listeners = new Set<(tables: ReadonlySet<TableName>) => void>();
	const closedListeners = new Set<(closed: StorageClosed) => void>();
	let data: TableData = emptyTables();
	let seen = { store: '', key: '' };
	let closed: StorageClosed | null = null;

	/** Reads the files again if another process changed them since; true when it did. */
	async function refresh(): Promise<boolean> {
		const now = { store: await fingerprintOf(storePath), key: await fingerprintOf(keyPath) };
		if (now.store === seen.store && now.key === seen.key) return false;
		if (seen.key !== '' && seen.key !== 'none' && now.key === 'none') {
			// The device key vanished under this process (the folder was deleted or cleared): nothing
			// this process holds may be written back as if it were still this device's.
			closed = {
				reason: 'deleted',
				message: `The license store in ${dir} was deleted while the program was using it.`
			};
			for (const listener of closedListeners) listener(closed);
			throw new StorageClosedError(closed);
		}
		const next = new Map(data);
		if (now.store !== seen.store)
			for (const [t, rows] of await readTables(storePath, STORE_TABLES)) next.set(t, rows);
		if (now.key !== seen.key)
			for (const [t, rows] of await readTables(keyPath, KEY_TABLES)) next.set(t, rows);
		data = next;
		seen = now;
		return true;
	}

	const notify = (tables: ReadonlySet<TableName>) => {
		for (const listener of listeners) listener(tables);
	};

	await refresh();

	let watcher: FSWatcher | null = null;
	const startWatching = () => {
		if (watcher) return;
		try {
			// Another process's commit renames a new file into the folder.
			watcher = watch(dir, { persistent: false }, (_event, name) => {
				if (name !== STORE_FILE && name !== KEY_FILE) return;
				void queue(refresh)
					.then((changed) => changed && notify(new Set(TABLE_NAMES)))
					.catch(() => {
						// A damaged file written by another program: the next transaction reports it.
					});
			});
		} catch {
			// No file watching here: changes by other processes show at this process's next transaction.
		}
	};

	const writeFile = options.writeFile ?? writeFileAtomic;
	async function write(next: TableData, changed: ReadonlySet<TableName>): Promise<void> {
		if (KEY_TABLES.some((t) => changed.has(t)))
			await writeFile(keyPath, serialize(next, KEY_TABLES), { mode: OWNER_ONLY });
		if (STORE_TABLES.some((t) => changed.has(t)))
			await writeFile(storePath, serialize(next, STORE_TABLES), { mode: OWNER_ONLY });
		// write-file-atomic keeps the mode of a file it replaces: make sure an older file is narrowed too.
		for (const path of [keyPath, storePath]) await chmod(path, OWNER_ONLY).catch(() => {});
		seen = { store: await fingerprintOf(storePath), key: await fingerprintOf(keyPath) };
	}

	return {
		description: `license store in ${dir}`,
		holdsCryptoKeys: false,
		transaction(mode, tables, work) {
			return queue(async () => {
				if (closed) throw new StorageClosedError(closed);
				// Before waiting for the lock: a store deleted meanwhile is reported, not waited for.
				await refresh();
				const release =
					mode === 'rw'
						? await lockfile.lock(dir, {
								lockfilePath: lockPath,
								realpath: false,
								stale: 10_000,
								retries: {
									retries: Math.ceil((options.lockWaitMs ?? 10_000) / 50),
									minTimeout: 20,
									maxTimeout: 50
								}
							})
						: null;
				try {
					await refresh();
					const { result, changes } = await runOnTables(data, mode, tables, work);
					if (changes) {
						const next = new Map(data);
						for (const [table, rows] of changes.tables) next.set(table, rows);
						await write(next, new Set(changes.tables.keys()));
						data = next;
						notify(new Set(changes.tables.keys()));
					}
					return result;
				} finally {
					await release?.();
				}
			});
		},
		subscribe(listener) {
			startWatching();
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		onClosed(listener) {
			closedListeners.add(listener);
			return () => closedListeners.delete(listener);
		},
		async close() {
			closed = { reason: 'closed', message: 'The license store was closed.' };
			watcher?.close();
		}
	};
}
