import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../testing/memory-storage.js';
import { knownRefusals } from './known-ways.js';

const R_LICENSE = 'SRV-5BQ7-MKXD-3H99';
const PLAIN = 'DEV-2345-6789-ABCC';
const UNKNOWN = 'SRV-2222-2222-2222';

async function withListCopy() {
	const storage = memoryStorage();
	await storage.transaction('rw', ['storeLicenses'], async (tx) => {
		await tx.put('storeLicenses', { number: R_LICENSE, deferredAllowed: false, emergencyAllowed: false });
		await tx.put('storeLicenses', { number: PLAIN, deferredAllowed: true, emergencyAllowed: true });
	});
	return storage;
}

describe('what the License list copy says before the trip', () => {
	it('names an "R" license for Deferred Activation, with the way to go instead', async () => {
		const refusals = await knownRefusals(await withListCopy(), 'deferred', [PLAIN, R_LICENSE, UNKNOWN]);
		expect(refusals).toEqual([
			{
				code: 'deferred_not_allowed',
				licenseNumber: R_LICENSE,
				message: expect.stringContaining('Instant Activation on a computer with internet access')
			}
		]);
	});

	it('names a license without Emergency Activation', async () => {
		expect(await knownRefusals(await withListCopy(), 'emergency', [R_LICENSE])).toMatchObject([
			{ code: 'emergency_not_allowed', licenseNumber: R_LICENSE }
		]);
	});

	it('refuses nothing it does not know: no copy, another license, a row without the fields', async () => {
		const storage = await withListCopy();
		await storage.transaction('rw', ['storeLicenses'], (tx) => tx.put('storeLicenses', { number: UNKNOWN }));
		expect(await knownRefusals(memoryStorage(), 'deferred', [R_LICENSE])).toEqual([]);
		expect(await knownRefusals(storage, 'deferred', [PLAIN, UNKNOWN])).toEqual([]);
		expect(await knownRefusals(storage, 'deferred', [])).toEqual([]);
	});
});
