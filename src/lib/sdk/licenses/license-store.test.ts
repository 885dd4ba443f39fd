import { describe, expect, it } from 'vitest';
import {
	EXAMPLE_TIME,
	exampleLicense,
	SERVER_LICENSE,
	WEB_EXPANSION
} from '../../../../tests/fixtures/protocol-builders.js';
import { testDevice, testTrustedKeys } from '../../../../tests/fixtures/test-keys.js';
import { formatLicenseFile } from '$lib/protocol/license-file.js';
import { memoryStorage } from '../testing/memory-storage.js';
import { readLicenses } from './license-rows.js';
import { importLicenses, prepareIssued, storeVerified } from './license-store.js';

const context = {
	trustedKeys: testTrustedKeys,
	devicePublicKey: testDevice.publicKey,
	now: EXAMPLE_TIME + 60_000
};

describe('importing a batch of license files', () => {
	it('decides each file in order within the batch, and a refused file blocks none of the others', async () => {
		const db = memoryStorage();
		const older = formatLicenseFile(await exampleLicense({ issuedAt: EXAMPLE_TIME - 60_000 }));
		const newer = formatLicenseFile(await exampleLicense({ issuedAt: EXAMPLE_TIME }));
		const other = formatLicenseFile(await exampleLicense({ licenseNumber: WEB_EXPANSION, product: 'WEB' }));
		const damaged = newer.replace('Quantity: 1', 'Quantity: 2');

		const results = await importLicenses(
			db,
			[
				{ text: older, source: 'a' },
				{ text: damaged, source: 'b' },
				{ text: newer, source: 'c' },
				{ text: newer, source: 'd' },
				{ text: older, source: 'e' },
				{ text: other, source: 'f' }
			],
			context
		);

		expect(results.map((r) => (r.ok ? (r.replaced ? 'replaced' : 'stored') : r.error.code))).toEqual([
			'stored',
			'license_bad_signature',
			'replaced',
			'license_already_loaded',
			'license_older_than_stored',
			'stored'
		]);
		expect(results.map((r) => r.ok || r.source)).toEqual([true, 'b', true, 'd', 'e', true]);
		const rows = await readLicenses(db);
		expect(rows.map((row) => [row.licenseNumber, row.issuedAt]).sort()).toEqual(
			[
				[SERVER_LICENSE, EXAMPLE_TIME],
				[WEB_EXPANSION, EXAMPLE_TIME]
			].sort()
		);
	});

	it('stores nothing when every file is refused', async () => {
		const db = memoryStorage();
		const results = await importLicenses(db, [{ text: 'not a license', source: 'x' }], context);
		expect(results).toMatchObject([{ ok: false, source: 'x', error: { code: 'license_not_a_license' } }]);
		expect(await readLicenses(db)).toEqual([]);
	});

	it('stores a verified license held in reactive page state (a proxy IndexedDB cannot clone)', async () => {
		const db = memoryStorage();
		const license = await exampleLicense();
		// What a Svelte $state array of loaded files hands over: its objects and arrays are proxies.
		const proxied = new Proxy({ ...license, expansions: new Proxy([...license.expansions], {}) }, {});
		const results = await storeVerified(
			db,
			[{ license: proxied, text: formatLicenseFile(license), source: 'loaded' }],
			context.now
		);
		expect(results).toMatchObject([{ ok: true, replaced: false }]);
		expect((await readLicenses(db))[0]?.expansions).toEqual(license.expansions);
	});
});

describe('preparing a server answer’s files for a transaction of the caller’s', () => {
	it('verifies first and stores nothing until the writes run, then only the files that verify', async () => {
		const db = memoryStorage();
		const good = formatLicenseFile(await exampleLicense({ issuedAt: EXAMPLE_TIME }));
		const damaged = formatLicenseFile(
			await exampleLicense({ licenseNumber: WEB_EXPANSION, product: 'WEB' })
		).replace('Quantity: 1', 'Quantity: 2');
		const { refused, store } = await prepareIssued(
			[
				{ licenseNumber: SERVER_LICENSE, fileName: 'a.license4d', file: good },
				{ licenseNumber: WEB_EXPANSION, fileName: 'b.license4d', file: damaged }
			],
			context
		);
		expect(refused).toMatchObject([
			{ ok: false, source: 'b.license4d', error: { code: 'license_bad_signature' } }
		]);
		expect(await readLicenses(db)).toEqual([]);
		// The caller's transaction: a failure in it stores none of the files.
		await expect(
			db.transaction('rw', ['licenses'], async (tx) => {
				await store(tx);
				throw new Error('the page crashed');
			})
		).rejects.toThrow('the page crashed');
		expect(await readLicenses(db)).toEqual([]);
		await db.transaction('rw', ['licenses'], store);
		expect((await readLicenses(db)).map((row) => row.licenseNumber)).toEqual([SERVER_LICENSE]);
	});
});
