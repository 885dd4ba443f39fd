import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { isStorageClosed, StorageClosedError, type StorageClosed } from '../platform/storage.js';
import { dexieStorage, LicenseManagerDatabase } from './dexie-storage.js';

let databases = 0;
const put = (storage: ReturnType<typeof dexieStorage>, value: number) =>
	storage.transaction('rw', ['settings'], (tx) => tx.put('settings', { key: 'n', value }));

function deleteDatabase(name: string): Promise<void> {
	return new Promise((resolve, reject) => {
		const deletion = indexedDB.deleteDatabase(name);
		deletion.onsuccess = () => resolve();
		deletion.onerror = () => reject(deletion.error);
	});
}

describe('the Dexie storage deleted while the program runs', () => {
	it('tells its listeners, refuses every later transaction, and does not make an empty database again', async () => {
		const name = `deleted-${++databases}`;
		const storage = dexieStorage(new LicenseManagerDatabase(name));
		await put(storage, 1);
		const closed: StorageClosed[] = [];
		storage.onClosed((why) => closed.push(why));

		await deleteDatabase(name);
		expect(closed.map((why) => why.reason)).toEqual(['deleted']);
		const refused = await put(storage, 2).catch((error: unknown) => error);
		expect(refused).toBeInstanceOf(StorageClosedError);
		expect(isStorageClosed(refused)).toBe(true);
		// Dexie alone would open (and so create) the database again at that write.
		expect((await indexedDB.databases()).map((db) => db.name)).not.toContain(name);
		// A listener that comes late still hears of it.
		const late: string[] = [];
		storage.onClosed((why) => late.push(why.reason));
		expect(late).toEqual(['deleted']);
	});

	it('is not a fault when the program closes it itself', async () => {
		const storage = dexieStorage(new LicenseManagerDatabase(`closed-${++databases}`));
		await put(storage, 1);
		const closed: string[] = [];
		storage.onClosed((why) => closed.push(why.reason));
		await storage.close();
		expect(closed).toEqual([]);
	});
});

describe('isStorageClosed', () => {
	it('recognises Dexie’s and the adapters’ closed errors, bare or wrapped, and nothing else', () => {
		const dexie = Object.assign(new Error('Database has been closed'), { name: 'DatabaseClosedError' });
		expect(isStorageClosed(dexie)).toBe(true);
		expect(isStorageClosed(new Error('wrapped', { cause: dexie }))).toBe(true);
		expect(isStorageClosed({ code: 'storage_closed' })).toBe(true);
		expect(isStorageClosed(new Error('other'))).toBe(false);
		expect(isStorageClosed(null)).toBe(false);
	});
});
