import { describe, expect, it } from 'vitest';
import { FakeActivationServer } from '../../../../tests/fixtures/fake-activation-server.js';
import type { PublishedKeySet } from '$lib/protocol/vendor-keys.js';
import { openLicenses } from '../open.js';
import { manualClock, memoryDurability, memoryStorage, type MemoryDurability } from '../testing/index.js';
import { askForDurability, readDurability } from './durability.js';

const NOW = Date.UTC(2026, 11, 2, 12);
const SERVER = 'https://activation.example.com';
const SRV = 'SRV-5BQ7-MKXD-3H99';
const ada = { email: 'ada@example.com', password: 'correct horse' };

async function manager(durability: MemoryDurability) {
	const clock = manualClock(NOW);
	const server = new FakeActivationServer(() => clock.now()).add({
		number: SRV,
		productName: 'Server Edition',
		email: ada.email
	});
	const vendorKeys = (await (await server.fetch(`${SERVER}/api/v1/keys`)).json()) as PublishedKeySet;
	return openLicenses({
		storage: memoryStorage(),
		server: SERVER,
		fetch: server.fetch,
		clock,
		vendorKeys,
		durability
	});
}

describe('durable storage', () => {
	it('is asked for at the first activation, and says whether it was granted', async () => {
		const durability = memoryDurability('grant');
		const licenses = await manager(durability);
		expect(await licenses.storageDurability()).toBe('best-effort');
		expect(durability.asked).toBe(0);
		expect(await licenses.activate({ ...ada, licenseNumbers: [SRV] })).toMatchObject({ kind: 'activated' });
		expect(await licenses.keepStorage()).toBe('persistent');
		expect(durability.asked).toBe(1);
		expect(await licenses.storageDurability()).toBe('persistent');
	});

	it('refused: said as best effort (the page suggests a backup), and not asked again in the same run', async () => {
		const durability = memoryDurability('refuse');
		const licenses = await manager(durability);
		expect(await licenses.activate({ ...ada, licenseNumbers: [SRV] })).toMatchObject({ kind: 'activated' });
		expect(await licenses.keepStorage()).toBe('best-effort');
		expect(await licenses.keepStorage()).toBe('best-effort');
		expect(durability.asked).toBe(1);
		expect(await licenses.storageDurability()).toBe('best-effort');
	});

	it('a refused activation asks nothing; a platform that cannot say is unknown', async () => {
		const durability = memoryDurability('unsupported');
		const licenses = await manager(durability);
		expect(await licenses.activate({ ...ada, password: 'wrong', licenseNumbers: [SRV] })).toMatchObject({
			kind: 'refused'
		});
		expect(durability.asked).toBe(0);
		expect(await askForDurability(durability)).toBe('unknown');
		expect(await readDurability(durability)).toBe('unknown');
	});

	it('a platform that throws is unknown, never an error', async () => {
		const failing = {
			persisted: () => Promise.reject(new Error('no')),
			persist: () => Promise.reject(new Error('no'))
		};
		expect(await askForDurability(failing)).toBe('unknown');
		expect(await readDurability(failing)).toBe('unknown');
	});
});
