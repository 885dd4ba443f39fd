// The same contract for every storage adapter: the Dexie one (over fake-indexeddb here; Chromium in
// the end-to-end tests), the Node file store and the testing twin. The core relies on nothing else.
import 'fake-indexeddb/auto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verify } from '$lib/protocol/ed25519.js';
import { deviceIdOf } from '$lib/protocol/sync-ids.js';
import { dexieStorage, LicenseManagerDatabase } from '../browser/dexie-storage.js';
import { loadDeviceIdentity } from '../identity.js';
import { readLicenses } from '../licenses/license-rows.js';
import { fileStorage } from '../node/file-storage.js';
import { memoryStorage } from '../testing/memory-storage.js';
import type { LicenseStorage, TableName } from './storage.js';

let count = 0;
/** Each factory gives a fresh store, and a second handle on the same one (another tab or process). */
const adapters: { name: string; open: () => Promise<[LicenseStorage, () => Promise<LicenseStorage>]> }[] = [
	{
		name: 'memory',
		open: async () => {
			const storage = memoryStorage();
			return [storage, async () => storage];
		}
	},
	{
		name: 'Dexie',
		open: async () => {
			const name = `contract-${++count}`;
			return [
				dexieStorage(new LicenseManagerDatabase(name)),
				async () => dexieStorage(new LicenseManagerDatabase(name))
			];
		}
	},
	{
		name: 'file',
		open: async () => {
			const dir = mkdtempSync(join(tmpdir(), 'airlock-store-'));
			return [await fileStorage(dir), () => fileStorage(dir)];
		}
	}
];

const row = (id: string, state: string, createdAt: number) => ({ id, state, createdAt, attempts: 0 });

describe.each(adapters)('storage contract: $name', ({ open }) => {
	it('creates one device identity even when two start at once, and it signs', async () => {
		const [first, second] = await open();
		const [a, b] = await Promise.all([loadDeviceIdentity(first, 1), loadDeviceIdentity(await second(), 1)]);
		expect(a.deviceId).toBe(b.deviceId);
		expect(a.deviceId).toBe(deviceIdOf(a.signer.publicKey));
		const message = new Uint8Array([1, 2, 3]);
		expect(await verify(message, await b.signer.sign(message), a.signer.publicKey)).toBe(true);
	});

	it('writes all of a transaction or nothing of it', async () => {
		const [storage] = await open();
		await storage.transaction('rw', ['settings'], (tx) => tx.put('settings', { key: 'kept', value: 1 }));
		await expect(
			storage.transaction('rw', ['settings', 'outbox'], async (tx) => {
				await tx.put('settings', { key: 'kept', value: 2 });
				await tx.put('outbox', row('op-1', 'queued', 1));
				throw new Error('the work failed half-way');
			})
		).rejects.toThrow('half-way');
		expect(await storage.transaction('r', ['settings'], (tx) => tx.get('settings', 'kept'))).toEqual({
			key: 'kept',
			value: 1
		});
		expect(await storage.transaction('r', ['outbox'], (tx) => tx.all('outbox'))).toEqual([]);
	});

	it('gives copies: changing a row read or written does not change what is stored', async () => {
		const [storage] = await open();
		const written = { key: 'k', value: { n: 1 } };
		await storage.transaction('rw', ['settings'], (tx) => tx.put('settings', written));
		written.value.n = 2;
		const read = await storage.transaction('r', ['settings'], (tx) => tx.get('settings', 'k'));
		(read!.value as { n: number }).n = 3;
		expect(await storage.transaction('r', ['settings'], (tx) => tx.get('settings', 'k'))).toEqual({
			key: 'k',
			value: { n: 1 }
		});
	});

	it('reads a state oldest first, leaving out keys in hand, and counts and finds by field', async () => {
		const [storage] = await open();
		await storage.transaction('rw', ['outbox'], (tx) =>
			tx.putMany('outbox', [
				row('c', 'queued', 3),
				row('a', 'queued', 1),
				row('x', 'done', 0),
				row('b2', 'queued', 2),
				row('b1', 'queued', 2)
			])
		);
		const ids = await storage.transaction('r', ['outbox'], async (tx) =>
			(
				await tx.range('outbox', {
					field: 'state',
					value: 'queued',
					orderBy: 'createdAt',
					limit: 3,
					skip: new Set(['a'])
				})
			).map((r) => r.id)
		);
		expect(ids).toEqual(['b1', 'b2', 'c']);
		expect(
			await storage.transaction('r', ['outbox'], (tx) => tx.count('outbox', 'state', ['queued', 'done']))
		).toBe(5);
		expect(
			(await storage.transaction('r', ['outbox'], (tx) => tx.where('outbox', 'state', ['done']))).map(
				(r) => r.id
			)
		).toEqual(['x']);
		await storage.transaction('rw', ['outbox'], async (tx) => {
			expect(await tx.update('outbox', 'a', { state: 'done' })).toBe(true);
			expect(await tx.update('outbox', 'missing', { state: 'done' })).toBe(false);
			await tx.updateMany('outbox', [{ key: 'b1', changes: { state: 'failed' } }]);
			await tx.deleteMany('outbox', ['c']);
		});
		const states = await storage.transaction('r', ['outbox'], async (tx) =>
			Object.fromEntries((await tx.all('outbox')).map((r) => [r.id, r.state]))
		);
		expect(states).toEqual({ a: 'done', b1: 'failed', b2: 'queued', x: 'done' });
	});

	it('tells subscribers which tables a commit changed, also one made through another handle', async () => {
		const [storage, again] = await open();
		const other = await again();
		const seen: TableName[][] = [];
		const stop = storage.subscribe((tables) => seen.push([...tables].sort()));
		await other.transaction('rw', ['licenses', 'settings'], async (tx) => {
			await tx.put('settings', { key: 'k', value: 1 });
		});
		await expect.poll(() => seen.flat()).toContain('settings');
		stop();
	});

	it('leaves a damaged license row out of the list instead of failing', async () => {
		const [storage] = await open();
		await storage.transaction('rw', ['licenses'], (tx) =>
			tx.put('licenses', { licenseNumber: 'SRV-5BQ7-MKXD-3H99', fileText: 42 })
		);
		expect(await readLicenses(storage)).toEqual([]);
	});
});

describe('Dexie database versions', () => {
	it('upgrades a version 1 database, keeping its rows, and adds the store tables', async () => {
		const name = `contract-upgrade-${++count}`;
		const { default: Dexie } = await import('dexie');
		const v1 = new Dexie(name);
		v1.version(1).stores({
			identity: 'id',
			licenses: 'licenseNumber, product, kind, parent, expiresAt',
			outbox: 'id, state, createdAt, [state+createdAt]',
			syncState: 'key',
			settings: 'key'
		});
		await v1.table('settings').put({ key: 'kept', value: 42 });
		await v1.table('outbox').put({ id: 'op-1', state: 'queued', createdAt: 1 });
		v1.close();

		const storage = dexieStorage(new LicenseManagerDatabase(name));
		expect(await storage.transaction('r', ['settings'], (tx) => tx.get('settings', 'kept'))).toEqual({
			key: 'kept',
			value: 42
		});
		expect(await storage.transaction('r', ['outbox'], (tx) => tx.get('outbox', 'op-1'))).toMatchObject({
			state: 'queued'
		});
		await storage.transaction('rw', ['storeProjects'], (tx) =>
			tx.put('storeProjects', { id: '0b5c7c2e-1c1a-4b8e-9a43-000000000001', name: 'Alpha' })
		);
		expect(await storage.transaction('r', ['storeProjects'], (tx) => tx.all('storeProjects'))).toHaveLength(
			1
		);
	});

	it('keeps the private key non-extractable where WebCrypto has Ed25519', async () => {
		const storage = dexieStorage(new LicenseManagerDatabase(`contract-key-${++count}`));
		await loadDeviceIdentity(storage, 1);
		const identity = await storage.transaction('r', ['identity'], (tx) => tx.get('identity', 'device'));
		expect(identity?.keyKind).toBe('webcrypto');
		expect((identity?.privateKey as CryptoKey).extractable).toBe(false);
	});

	it('refuses a damaged identity with a named error', async () => {
		const storage = dexieStorage(new LicenseManagerDatabase(`contract-identity-${++count}`));
		await storage.transaction('rw', ['identity'], (tx) =>
			tx.put('identity', { id: 'device', deviceId: 'x' })
		);
		await expect(loadDeviceIdentity(storage, 1)).rejects.toThrow('damaged');
	});
});
