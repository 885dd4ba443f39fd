// For the core's own tests: a Core over the testing twins, and plain reads of a storage's tables.
import { createApiClient } from '../api/api-client.js';
import { serverApi, type ServerApi } from '../api/server-api.js';
import type { Core } from '../core.js';
import { loadDeviceIdentity } from '../identity.js';
import type { LicenseStorage, StoredRow, TableName } from '../platform/storage.js';
import { manualClock } from './manual-clock.js';
import { memoryStorage } from './memory-storage.js';

export async function testCore(
	options: { storage?: LicenseStorage; now?: number; api?: ServerApi; fetch?: typeof fetch } = {}
): Promise<Core & { clock: ReturnType<typeof manualClock> }> {
	const storage = options.storage ?? memoryStorage();
	const clock = manualClock(options.now ?? Date.UTC(2026, 10, 28, 12));
	return {
		storage,
		clock,
		identity: await loadDeviceIdentity(storage, clock.now()),
		portalUrl: 'https://activation.example.com/portal',
		api:
			options.api ??
			serverApi(createApiClient({ origin: 'https://activation.example.com', fetch: options.fetch }))
	};
}

export function rowsOf(storage: LicenseStorage, table: TableName): Promise<StoredRow[]> {
	return storage.transaction('r', [table], (tx) => tx.all(table));
}

export function rowOf(
	storage: LicenseStorage,
	table: TableName,
	key: string
): Promise<StoredRow | undefined> {
	return storage.transaction('r', [table], (tx) => tx.get(table, key));
}
