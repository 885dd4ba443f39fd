import { describe, expect, it } from 'vitest';
import type { LicenseClock } from '../licenses/license-view.js';
import { memoryStorage } from '../testing/memory-storage.js';
import { rowOf, rowsOf, testCore } from '../testing/test-core.js';
import { StorageClosedError } from '../platform/storage.js';
import { accountsOf, instantActivation, refreshLicenses } from './activation.js';
import { emergencyActivation } from './emergency.js';

const NOW = Date.UTC(2026, 10, 28, 12);
const at = (effectiveNow: number): LicenseClock => ({ effectiveNow, problem: null });
/** No server: every request fails as with no network. */
const unreachable: typeof fetch = () => Promise.reject(new TypeError('Failed to fetch'));

describe('the accounts a Refresh asks for', () => {
	it('skips licenses with no account and gives each address in canonical form, once', () => {
		expect(
			accountsOf([{ email: '' }, { email: ' Ada@Example.com' }, { email: 'ada@example.com' }, { email: 'x' }])
		).toEqual(['ada@example.com']);
	});
});

describe('Refresh on a device holding an emergency license made from a bare number', () => {
	it('answers that there is nothing to refresh, with no exception', async () => {
		const core = await testCore({ now: NOW, fetch: unreachable });
		const emergency = await emergencyActivation(
			core,
			{ licenseNumber: 'SRV-5BQ7-MKXD-3H99', codeText: '' },
			at(NOW)
		);
		expect(emergency).toMatchObject({ ok: true, license: { email: '' } });
		await expect(refreshLicenses(core)).resolves.toEqual({ kind: 'nothing-to-refresh' });
	});

	it('refreshes the other licenses’ account, even one stored with its address not in canonical form', async () => {
		const core = await testCore({ now: NOW, fetch: unreachable });
		await emergencyActivation(core, { licenseNumber: 'SRV-5BQ7-MKXD-3H99', codeText: '' }, at(NOW));
		const emergencyRow = (await rowOf(core.storage, 'licenses', 'SRV-5BQ7-MKXD-3H99'))!;
		await core.storage.transaction('rw', ['licenses'], (tx) =>
			tx.put('licenses', { ...emergencyRow, licenseNumber: 'DEV-2345-6789-ABCC', email: 'Ada@Example.com' })
		);
		await expect(refreshLicenses(core)).resolves.toMatchObject({ kind: 'queued', waitingFor: 'network' });
		const refresh = (await rowsOf(core.storage, 'outbox')).find((item) => item.type === 'refresh');
		expect(JSON.stringify(refresh?.payload)).toContain('ada@example.com');
	});
});

describe('a storage closed under the program', () => {
	it('refuses Instant Activation with the storage’s reason, never reports it activated', async () => {
		const storage = memoryStorage();
		const core = await testCore({ storage, now: NOW, fetch: unreachable });
		storage.simulateClosed({ reason: 'deleted', message: 'The data was deleted.' });
		await expect(
			instantActivation(core, {
				email: 'ada@example.com',
				password: 'pw',
				licenseNumbers: ['SRV-5BQ7-MKXD-3H99']
			})
		).rejects.toBeInstanceOf(StorageClosedError);
	});
});
