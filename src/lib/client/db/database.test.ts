import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { verify } from '$lib/protocol/ed25519';
import { deviceIdOf } from '$lib/protocol/sync-ids';
import { loadDeviceIdentity } from '../device-identity';
import { readLicenses } from '../licenses/license-store';
import { LicenseManagerDatabase } from './database';

let count = 0;
const freshName = () => `airlock-test-${++count}`;

describe('local database', () => {
	it('creates one device identity even when two tabs start at once, and it signs', async () => {
		const name = freshName();
		const [a, b] = await Promise.all([
			loadDeviceIdentity(new LicenseManagerDatabase(name)),
			loadDeviceIdentity(new LicenseManagerDatabase(name))
		]);
		expect(a.deviceId).toBe(b.deviceId);
		expect(a.deviceId).toBe(deviceIdOf(a.signer.publicKey));
		const again = await loadDeviceIdentity(new LicenseManagerDatabase(name));
		expect(again.deviceId).toBe(a.deviceId);
		const message = new Uint8Array([1, 2, 3]);
		expect(await verify(message, await again.signer.sign(message), again.signer.publicKey)).toBe(true);
	});

	it('keeps the private key non-extractable where WebCrypto has Ed25519', async () => {
		const db = new LicenseManagerDatabase(freshName());
		await loadDeviceIdentity(db);
		const row = await db.identity.get('device');
		expect(row?.keyKind).toBe('webcrypto');
		if (row?.keyKind === 'webcrypto') expect(row.privateKey.extractable).toBe(false);
	});

	it('refuses a damaged identity with a named error, and leaves damaged license rows out of the list', async () => {
		const db = new LicenseManagerDatabase(freshName());
		await db.identity.put({ id: 'device', deviceId: 'x' } as never);
		await expect(loadDeviceIdentity(db)).rejects.toThrow('damaged');
		await db.licenses.put({ licenseNumber: 'SRV-5BQ7-MKXD-3H99', fileText: 42 } as never);
		expect(await readLicenses(db)).toEqual([]);
	});
});

describe('local database version 2', () => {
	it('upgrades a version 1 database, keeping its rows, and adds the store tables', async () => {
		const name = freshName();
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

		const v2 = new LicenseManagerDatabase(name);
		await v2.open();
		expect(v2.verno).toBe(2);
		expect(await v2.settings.get('kept')).toEqual({ key: 'kept', value: 42 });
		expect(await v2.outbox.get('op-1')).toMatchObject({ state: 'queued' });
		await v2.storeProjects.put({
			id: '0b5c7c2e-1c1a-4b8e-9a43-000000000001',
			name: 'Alpha',
			nameStamp: { wall: 1, counter: 0, device: 'AAAA-AAAA-AAAA' },
			deleted: null
		});
		expect(await v2.storeProjects.count()).toBe(1);
	});
});
