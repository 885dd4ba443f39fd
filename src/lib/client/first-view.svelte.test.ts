// The first view's read, in a real browser's IndexedDB: what Dexie stored, read without it, and
// nothing created where there is no database.
import { afterEach, describe, expect, it } from 'vitest';
import { dexieStorage, LicenseManagerDatabase } from '$lib/sdk/browser/dexie-storage';
import { IDENTITY_ROW_ID, type LicenseRow } from '$lib/sdk/rows';
import { readFirstView } from './first-view';
import { exampleLicenseRow } from '../../../tests/fixtures/license-rows.js';

const NOW = Date.UTC(2026, 11, 2, 12);
const names: string[] = [];

function databaseName(): string {
	const name = `first-view-test-${names.length}-${Math.random().toString(36).slice(2)}`;
	names.push(name);
	return name;
}

async function databaseExists(name: string): Promise<boolean> {
	return (await indexedDB.databases()).some((database) => database.name === name);
}

afterEach(async () => {
	for (const name of names.splice(0))
		await new Promise((resolve) => {
			const deletion = indexedDB.deleteDatabase(name);
			deletion.onsuccess = deletion.onerror = resolve;
		});
});

const license: LicenseRow = exampleLicenseRow({ issuedAt: NOW - 86_400_000, storedAt: NOW });

describe('readFirstView', () => {
	it('reads the licenses and the device id Dexie stored, and leaves the database usable', async () => {
		const name = databaseName();
		const storage = dexieStorage(new LicenseManagerDatabase(name));
		await storage.transaction('rw', ['licenses', 'identity'], async (tx) => {
			await tx.put('licenses', license);
			// A damaged row is left out, as the app's own read leaves it out.
			await tx.put('licenses', { licenseNumber: 'SRV-0000-0000-0000', product: 7 });
			await tx.put('identity', { id: IDENTITY_ROW_ID, deviceId: 'FT3H-H2B7-Z7QV' });
		});
		const view = await readFirstView(NOW, name);
		expect(view.licenses).toEqual([license]);
		expect(view.deviceId).toBe('FT3H-H2B7-Z7QV');
		expect(view.clock).toEqual({ effectiveNow: NOW, problem: null, behindMs: 0 });
		// Not held open: Dexie still writes (an upgrade elsewhere would not be blocked either).
		await storage.transaction('rw', ['licenses'], (tx) => tx.delete('licenses', license.licenseNumber));
		expect((await readFirstView(NOW, name)).licenses).toEqual([]);
		await storage.close();
	});

	it('reads nothing, and creates nothing, where there is no database', async () => {
		const name = databaseName();
		const unhandled: unknown[] = [];
		const onUnhandled = (event: PromiseRejectionEvent) => unhandled.push(event.reason);
		window.addEventListener('unhandledrejection', onUnhandled);
		const view = await readFirstView(NOW, name);
		await new Promise((resolve) => setTimeout(resolve, 50));
		window.removeEventListener('unhandledrejection', onUnhandled);
		expect(view).toMatchObject({ licenses: [], deviceId: null, clock: { problem: null } });
		expect(await databaseExists(name)).toBe(false);
		expect(unhandled).toEqual([]);
	});
});
