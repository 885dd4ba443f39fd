// Offline deactivation through the vendor's API, over the testing twins: the license stops at once,
// checks refuse it as "not yet reported" until the server has the statement, and the outbox sends it.
import { describe, expect, it } from 'vitest';
import { FakeActivationServer } from '../../../../tests/fixtures/fake-activation-server.js';
import { parseDeactivationFile, parseDeactivationQr } from '$lib/protocol/deactivation.js';
import type { PublishedKeySet } from '$lib/protocol/vendor-keys.js';
import { openLicenses } from '../index.js';
import { removeLicense } from '../licenses/license-rows.js';
import { licenseRowSchema } from '../rows.js';
import { manualClock, memoryStorage } from '../testing/index.js';

const NOW = Date.UTC(2026, 10, 28, 12);
const SERVER = 'https://activation.example.com';
const SRV = 'SRV-5BQ7-MKXD-3H99';
const CLX = 'CLX-7K3M-Q9XP-R2TX';

async function setup() {
	const clock = manualClock(NOW);
	const server = new FakeActivationServer(() => clock.now())
		.add({ number: SRV, productName: 'Server Edition', email: 'ada@example.com', expansions: [CLX] })
		.add({ number: CLX, productName: 'Client Connections', email: 'ada@example.com', parent: SRV });
	const storage = memoryStorage();
	const vendorKeys = (await (await server.fetch(`${SERVER}/api/v1/keys`)).json()) as PublishedKeySet;
	const licenses = await openLicenses({ storage, server: SERVER, fetch: server.fetch, clock, vendorKeys });
	const activated = await licenses.activate({
		email: 'ada@example.com',
		password: 'correct horse',
		licenseNumbers: [SRV]
	});
	expect(activated).toMatchObject({ kind: 'activated' });
	const row = (number: string) =>
		storage.transaction('r', ['licenses'], async (tx) =>
			licenseRowSchema.parse(await tx.get('licenses', number))
		);
	return { licenses, server, clock, row, storage };
}

// Each test signs several times (activation, statement, checks): slow on a busy machine.
describe('offline deactivation', { timeout: 30_000 }, () => {
	it('stops the license at once; check refuses it as not yet reported; the statement is signed by this device', async () => {
		const { licenses, server, clock, row, storage } = await setup();
		server.online = false;
		expect(await licenses.check({ product: 'SRV' })).toMatchObject({ ok: true });
		clock.advance(60_000);

		const outcome = await licenses.deactivate(SRV);
		expect(outcome.ok).toBe(true);
		if (!outcome.ok) return;
		expect(outcome.record.reportedAt).toBeNull();
		const file = await parseDeactivationFile(outcome.record.statement);
		const qr = await parseDeactivationQr(outcome.record.qrUrl);
		expect(file).toMatchObject({
			ok: true,
			statement: {
				licenseNumber: SRV,
				deviceId: licenses.deviceId,
				licenseIssuedAt: (await row(SRV)).issuedAt
			}
		});
		expect(qr).toEqual(file);

		for (const query of [{ product: 'SRV' }, { product: 'SRV', expansion: 'CLX' }])
			expect(await licenses.check(query)).toMatchObject({ ok: false });
		expect(await licenses.check({ product: 'SRV' })).toMatchObject({
			ok: false,
			reason: 'deactivated_not_reported'
		});
		// The statement is kept on the device, to be shown again.
		expect((await row(SRV)).deactivation).toEqual(outcome.record);
		expect((await row(CLX)).status).toBe('deactivated');
		// Given up once: a second time is refused, and changes nothing.
		expect(await licenses.deactivate(SRV)).toMatchObject({
			ok: false,
			error: { code: 'license_not_deactivatable' }
		});
		expect((await row(SRV)).deactivation).toEqual(outcome.record);
		// Kept as the record of it: removing it (to load its old file again) is refused.
		expect(await removeLicense(storage, SRV)).toBe(false);
		expect((await row(SRV)).status).toBe('deactivated');
	});

	it('sends the statement through the outbox when online; the license is then reported', async () => {
		const { licenses, server, row } = await setup();
		server.online = false;
		const outcome = await licenses.deactivate(SRV);
		expect(outcome.ok).toBe(true);
		expect(server.holdings.get(licenses.deviceId)?.has(SRV)).toBe(true);

		server.online = true;
		expect(await licenses.sync()).toMatchObject({ applied: 1, rejected: 0 });
		expect(server.holdings.get(licenses.deviceId)?.has(SRV)).toBe(false);
		expect((await row(SRV)).deactivation?.reportedAt).toEqual(expect.any(Number));
		expect(await licenses.check({ product: 'SRV' })).toMatchObject({ ok: false, reason: 'deactivated' });
	});

	it('refuses an expansion and a license the device does not hold, with what to do instead', async () => {
		const { licenses } = await setup();
		expect(await licenses.deactivate(CLX)).toMatchObject({
			ok: false,
			error: { code: 'license_not_deactivatable', message: expect.stringContaining(SRV) }
		});
		expect(await licenses.deactivate('DEV-2345-6789-ABCC')).toMatchObject({
			ok: false,
			error: { code: 'license_not_on_device' }
		});
		expect(await licenses.check({ product: 'SRV', expansion: 'CLX' })).toMatchObject({ ok: true });
	});
});
