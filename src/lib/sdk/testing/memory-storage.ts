// The storage's testing twin: the same interface and transaction rules as the real adapters, in
// memory. Tests of the core run on it; `simulateClosed` plays the platform taking the storage away.
import { emptyTables, runOnTables, serialQueue, type TableData } from '../platform/memory-tables.js';
import {
	StorageClosedError,
	type LicenseStorage,
	type StorageClosed,
	type TableName
} from '../platform/storage.js';

export interface MemoryStorage extends LicenseStorage {
	/** Plays the platform closing or deleting the storage under the program. */
	simulateClosed(closed: StorageClosed): void;
	/** Makes the next write transactions fail as a full disk would (nothing is written). */
	failWrites(error: Error | null): void;
}

export function memoryStorage(options: { holdsCryptoKeys?: boolean } = {}): MemoryStorage {
	let data: TableData = emptyTables();
	const queue = serialQueue();
	const listeners = new Set<(tables: ReadonlySet<TableName>) => void>();
	const closedListeners = new Set<(closed: StorageClosed) => void>();
	let closed: StorageClosed | null = null;
	let writeFailure: Error | null = null;
	return {
		description: 'memory',
		holdsCryptoKeys: options.holdsCryptoKeys ?? false,
		transaction(mode, tables, work) {
			return queue(async () => {
				if (closed) throw new StorageClosedError(closed);
				const { result, changes } = await runOnTables(data, mode, tables, work);
				if (changes) {
					if (writeFailure) throw writeFailure;
					data = new Map(data);
					for (const [table, rows] of changes.tables) data.set(table, rows);
					const changed = new Set(changes.tables.keys());
					for (const listener of listeners) listener(changed);
				}
				return result;
			});
		},
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		onClosed(listener) {
			closedListeners.add(listener);
			return () => closedListeners.delete(listener);
		},
		async close() {
			closed = { reason: 'closed', message: 'The storage was closed.' };
		},
		simulateClosed(reason) {
			closed = reason;
			for (const listener of closedListeners) listener(reason);
		},
		failWrites(error) {
			writeFailure = error;
		}
	};
}
