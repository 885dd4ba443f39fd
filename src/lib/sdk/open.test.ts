// The vendor's API end to end over the testing twins: memory storage, a clock moved by hand, and the
// fake activation server (a fetch answering as the real one, with real signatures). Every scenario
// runs again over the Dexie adapter on fake-indexeddb, which ends a transaction the way browsers do:
// the memory twin cannot tell a transaction that awaits something else.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { FakeActivationServer } from '../../../tests/fixtures/fake-activation-server.js';
import { otherTestDevice } from '../../../tests/fixtures/test-keys.js';
import { exampleLicense } from '../../../tests/fixtures/protocol-builders.js';
import { formatLicenseFile, parseLicenseFile } from '$lib/protocol/license-file.js';
import { licenseBatchQrCodes } from '$lib/protocol/qr-payload.js';
import { generateLicenseNumber } from '$lib/protocol/license-number.js';
import { parseRegFile } from '$lib/protocol/reg-file.js';
import type { PublishedKeySet } from '$lib/protocol/vendor-keys.js';
import { AirlockError, openLicenses, type Licenses } from './index.js';
import { dexieStorage, LicenseManagerDatabase } from './browser/dexie-storage.js';
import type { LicenseStorage } from './platform/storage.js';
import { manualClock, memoryStorage, type ManualClock } from './testing/index.js';

const NOW = Date.UTC(2026, 10, 28, 12);
const DAY = 86_400_000;
const SERVER = 'https://activation.example.com';
const SRV = 'SRV-5BQ7-MKXD-3H99';
const CLX = 'CLX-7K3M-Q9XP-R2TX';
const DEV = 'DEV-2345-6789-ABCC';

interface Setup {
	licenses: Licenses;
	server: FakeActivationServer;
	clock: ManualClock;
	storage: LicenseStorage;
}

/** The key set a vendor ships with its program; one made before seal keys existed has none. */
async function shippedKeys(server: FakeActivationServer, withSealKey: boolean): Promise<PublishedKeySet> {
	const keys = (await (await server.fetch(`${SERVER}/api/v1/keys`)).json()) as PublishedKeySet;
	return withSealKey ? keys : { keys: keys.keys };
}

let databases = 0;
const ADAPTERS: [string, () => LicenseStorage][] = [
	['memory storage', () => memoryStorage()],
	['Dexie over fake-indexeddb', () => dexieStorage(new LicenseManagerDatabase(`open-test-${databases++}`))]
];
let newStorage = ADAPTERS[0]![1];

async function setup(storage = newStorage(), options: { withSealKey?: boolean } = {}): Promise<Setup> {
	const clock = manualClock(NOW);
	const server = new FakeActivationServer(() => clock.now())
		.add({ number: SRV, productName: 'Server Edition', email: 'ada@example.com', expansions: [CLX] })
		.add({ number: CLX, productName: 'Client Connections', email: 'ada@example.com', parent: SRV })
		.add({
			number: DEV,
			productName: 'Developer Edition',
			email: 'ada@example.com',
			kind: 'temporary',
			expiresAt: NOW + 30 * DAY
		});
	const licenses = await openLicenses({
		storage,
		server: SERVER,
		fetch: server.fetch,
		clock,
		// The key set a vendor ships with its program, so files verify before any contact.
		vendorKeys: await shippedKeys(server, options.withSealKey ?? true)
	});
	return { licenses, server, clock, storage };
}

const ada = { email: 'Ada@Example.com ', password: 'correct horse' };

describe.each(ADAPTERS)('over %s', (_name, makeStorage) => {
	beforeEach(() => {
		newStorage = makeStorage;
	});

	describe('openLicenses', () => {
		it('refuses options that cannot work with a typed error', async () => {
			await expect(openLicenses({} as never)).rejects.toMatchObject({
				name: 'AirlockError',
				code: 'invalid_options'
			});
			await expect(
				openLicenses({ storage: memoryStorage(), server: 'ftp://example.com' })
			).rejects.toBeInstanceOf(AirlockError);
			await expect(
				openLicenses({ storage: memoryStorage(), server: SERVER, vendorKeys: { keys: 'none' } as never })
			).rejects.toMatchObject({ code: 'invalid_options' });
		});

		it('is the same device for every program that opens the same storage', async () => {
			const storage = newStorage();
			const [a, b] = await Promise.all([setup(storage), setup(storage)]);
			expect(a.licenses.deviceId).toBe(b.licenses.deviceId);
			expect(a.licenses.deviceId).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){2,}/);
		});
	});

	describe('a full storage', () => {
		it('still opens, checks its licenses, and says why an activation cannot be stored', async () => {
			const storage = memoryStorage();
			const first = await setup(storage);
			await first.licenses.activate({ ...ada, licenseNumbers: [SRV] });
			storage.failWrites(Object.assign(new Error('disk full'), { name: 'QuotaExceededError' }));
			first.clock.advance(2 * 60_000);
			// Opened again by another program, with the clock's mark due to be written.
			const reopened = await openLicenses({
				storage,
				server: SERVER,
				clock: first.clock,
				fetch: first.server.fetch
			});
			expect(await reopened.check({ product: 'SRV' })).toMatchObject({ ok: true });
			expect(await reopened.activate({ ...ada, licenseNumbers: [DEV] })).toMatchObject({
				kind: 'refused',
				error: { code: 'storage_full' }
			});
		});
	});

	describe('Instant Activation, then checks offline', () => {
		it('activates a license with its expansion; check answers for the product and the expansion', async () => {
			const { licenses, server } = await setup();
			expect(await licenses.check({ product: 'SRV' })).toMatchObject({ ok: false, reason: 'not_activated' });
			const outcome = await licenses.activate({ ...ada, licenseNumbers: ['srv5bq7mkxd3h99'] });
			expect(outcome).toMatchObject({ kind: 'activated', notStored: [] });
			if (outcome.kind === 'activated')
				expect(outcome.licenses.map((l) => l.licenseNumber).sort()).toEqual([CLX, SRV]);

			server.online = false;
			expect(await licenses.check({ product: 'srv' })).toMatchObject({
				ok: true,
				license: { licenseNumber: SRV, productName: 'Server Edition' },
				expiresAt: null,
				daysLeft: null
			});
			expect(await licenses.check({ product: 'SRV', expansion: 'CLX' })).toMatchObject({
				ok: true,
				expansion: { licenseNumber: CLX }
			});
			expect(await licenses.check({ product: 'SRV', expansion: 'WEB' })).toMatchObject({
				ok: false,
				reason: 'expansion_missing'
			});
			expect(await licenses.check({ product: 'DEV' })).toMatchObject({ ok: false, reason: 'not_activated' });
			const [entitlement] = await licenses.entitlements();
			expect(entitlement).toMatchObject({
				license: { licenseNumber: SRV },
				usable: true,
				expansions: [{ license: { licenseNumber: CLX }, usable: true }]
			});
		});

		it('refuses wrong credentials and bad input with a specific error, and queues nothing', async () => {
			const { licenses, server } = await setup();
			expect(await licenses.activate({ ...ada, password: 'wrong', licenseNumbers: [SRV] })).toMatchObject({
				kind: 'refused',
				error: { code: 'invalid_credentials' }
			});
			for (const [input, code] of [
				[{ ...ada, licenseNumbers: ['SRV-5BQ7-MKXD-3H98'] }, 'license_number_check_failed'],
				[{ ...ada, licenseNumbers: [] }, 'license_number_empty'],
				[{ ...ada, licenseNumbers: [42] }, 'license_number_invalid'],
				[{ ...ada, email: 'ada', licenseNumbers: [SRV] }, 'email_invalid'],
				[{ ...ada, password: '', licenseNumbers: [SRV] }, 'password_empty'],
				[
					{ ...ada, licenseNumbers: Array.from({ length: 9 }, () => generateLicenseNumber('SRV')) },
					'too_many_licenses'
				]
			] as const) {
				expect(await licenses.activate(input as never)).toMatchObject({ kind: 'refused', error: { code } });
			}
			expect(await licenses.activate(undefined as never)).toMatchObject({ kind: 'refused' });
			expect(await licenses.sync()).toMatchObject({ sent: 0 });
			expect(server.syncRequests).toBe(0);
		});

		it('without a network, queues the signed request with a sealed authorization; it finishes at the next sync with no sign-in', async () => {
			const { licenses, server, storage } = await setup();
			server.online = false;
			const outcome = await licenses.activate({ ...ada, licenseNumbers: [DEV] });
			expect(outcome).toMatchObject({ kind: 'queued', waitingFor: 'network' });
			expect(await licenses.check({ product: 'DEV' })).toMatchObject({ ok: false, reason: 'not_activated' });
			// The password never rests on the device in the clear: only its sealed form is kept.
			const queued = await storage.transaction('r', ['outbox'], (tx) => tx.all('outbox'));
			expect(JSON.stringify(queued)).not.toContain(ada.password);
			expect(queued[0]).toMatchObject({
				account: 'ada@example.com',
				authorization: expect.stringMatching(/^AIRLOCK-S1\./)
			});

			server.online = true;
			expect(await licenses.sync()).toMatchObject({ applied: 1, needsSignIn: 0 });
			expect(await licenses.check({ product: 'DEV' })).toMatchObject({ ok: true });
			// Answered: the sealed authorization is not kept.
			const done = await storage.transaction('r', ['outbox'], (tx) => tx.all('outbox'));
			expect(done[0]).toMatchObject({ state: 'done', authorization: null });
		});

		it('without a network and no seal key of the server yet, says the activation waits for a sign-in', async () => {
			const { licenses, server } = await setup(newStorage(), { withSealKey: false });
			server.online = false;
			expect(await licenses.activate({ ...ada, licenseNumbers: [DEV] })).toMatchObject({
				kind: 'queued',
				waitingFor: 'sign-in'
			});
			server.online = true;
			expect(await licenses.sync()).toMatchObject({ applied: 0, needsSignIn: 1 });
		});

		it('judges time on the trusted clock: days left, expired, and a clock set back', async () => {
			const { licenses, clock, server } = await setup();
			await licenses.activate({ ...ada, licenseNumbers: [DEV] });
			server.online = false;
			expect(await licenses.check({ product: 'DEV' })).toMatchObject({ ok: true, daysLeft: 30 });
			clock.advance(31 * DAY);
			expect(await licenses.check({ product: 'DEV' })).toMatchObject({ ok: false, reason: 'expired' });
			// Back before the expiry: the clock was seen later, so this is a clock set back, not a cure.
			clock.advance(-20 * DAY);
			expect(await licenses.check({ product: 'DEV' })).toMatchObject({ ok: false, reason: 'clock_set_back' });
		});
	});

	describe('the storage cannot make a license', () => {
		it('reads each license from its signed text: an edited expiry changes nothing, an edited file is refused', async () => {
			const { licenses, storage, server } = await setup();
			await licenses.activate({ ...ada, licenseNumbers: [DEV] });
			server.online = false;
			await storage.transaction('rw', ['licenses'], (tx) => tx.update('licenses', DEV, { expiresAt: null }));
			expect(await licenses.check({ product: 'DEV' })).toMatchObject({ ok: true, expiresAt: NOW + 30 * DAY });
			await storage.transaction('rw', ['licenses'], async (tx) => {
				const row = await tx.get('licenses', DEV);
				await tx.put('licenses', {
					...row,
					fileText: String(row!.fileText).replace('Kind: temporary', 'Kind: standard')
				});
			});
			expect(await licenses.check({ product: 'DEV' })).toMatchObject({ ok: false, reason: 'tampered' });
		});

		it('refuses a license file copied from another computer', async () => {
			const { licenses, storage } = await setup();
			const foreign = formatLicenseFile(await exampleLicense({ issuedAt: NOW - DAY }, otherTestDevice));
			expect(await licenses.importLicenseFiles([{ name: 'copied.license4d', text: foreign }])).toMatchObject([
				{ ok: false, name: 'copied.license4d', error: { code: 'license_wrong_device' } }
			]);
			// Put in the storage by hand, it still does not count.
			await storage.transaction('rw', ['licenses'], (tx) =>
				tx.put('licenses', {
					licenseNumber: SRV,
					fileText: foreign,
					product: 'SRV',
					productName: 'Copied',
					quantity: 1,
					kind: 'standard',
					parent: null,
					expansions: [],
					email: 'ada@example.com',
					deviceId: 'someone-else',
					issuedAt: NOW - DAY,
					expiresAt: null,
					kid: 'x',
					storedAt: NOW,
					status: 'active'
				})
			);
			expect(await licenses.check({ product: 'SRV' })).toMatchObject({
				ok: false,
				reason: 'other_device',
				licenseNumber: SRV
			});
		});
	});

	describe('Deferred Activation and Refresh', () => {
		it('makes a signed request for the portal, as reg.txt and as the QR code’s text', async () => {
			const { licenses } = await setup();
			const request = await licenses.createRequest([SRV, 'dev-2345-6789-abcc'], ' ADA@example.com');
			expect(request).toMatchObject({ ok: true, licenseNumbers: [SRV, DEV], email: 'ada@example.com' });
			if (!request.ok) return;
			expect(request.qrUrl.startsWith(`${SERVER}/portal#r1=`)).toBe(true);
			const parsed = await parseRegFile(request.regFile);
			expect(parsed.ok && parsed.request.deviceId).toBe(licenses.deviceId);
			expect(await licenses.createRequest(['nope'], 'ada@example.com')).toMatchObject({ ok: false });
			expect(await licenses.createRequest([SRV], 'not an address')).toMatchObject({
				ok: false,
				error: { code: 'email_invalid' }
			});
		});

		it('refuses a request for an "R" license the License list copy knows of, before the trip', async () => {
			const { licenses, storage } = await setup();
			await storage.transaction('rw', ['storeLicenses'], (tx) =>
				tx.put('storeLicenses', { number: SRV, deferredAllowed: false, account: 'ada@example.com' })
			);
			expect(await licenses.createRequest([DEV, SRV], 'ada@example.com')).toEqual({
				ok: false,
				error: { code: 'deferred_not_allowed', message: expect.stringContaining(`License ${SRV} cannot be`) }
			});
			expect(await licenses.createRequest([DEV], 'ada@example.com')).toMatchObject({ ok: true });
		});

		it('loads the files the portal gives back; a changed one is refused and stores nothing', async () => {
			const { licenses, server } = await setup();
			// The portal's work, done here by a second device of the same account through the fake server.
			const request = await licenses.createRequest([DEV], 'ada@example.com');
			if (!request.ok) throw new Error('no request');
			const phone = server.client();
			await phone(`${SERVER}/api/v1/session`, {
				method: 'POST',
				body: JSON.stringify({ email: 'ada@example.com', password: 'correct horse' })
			});
			// The real portal activates a device's request by its signature; the fake applies it as a sync item.
			const response = await phone(`${SERVER}/api/v1/sync`, {
				method: 'POST',
				body: JSON.stringify({
					operations: [{ id: 'portal-1', type: 'instant-activation', payload: { request: request.regFile } }]
				})
			});
			const file = ((await response.json()) as { results: { result: { licenses: { file: string }[] } }[] })
				.results[0]!.result.licenses[0]!.file;
			server.online = false;
			const changed = file.replace('Quantity: 1', 'Quantity: 9');
			expect(await licenses.importLicenseFiles([changed, 'not a license'])).toMatchObject([
				{ ok: false, error: { code: 'license_bad_signature' } },
				{ ok: false, error: { code: 'license_not_a_license' } }
			]);
			expect(await licenses.check({ product: 'DEV' })).toMatchObject({ ok: false, reason: 'not_activated' });
			expect(await licenses.importLicenseFiles([file])).toMatchObject([{ ok: true, licenseNumber: DEV }]);
			expect(await licenses.check({ product: 'DEV' })).toMatchObject({ ok: true });
		});

		it("imports the portal's code holding several licenses, one report each; a damaged code is refused", async () => {
			const { licenses, server } = await setup();
			const request = await licenses.createRequest([SRV, DEV], 'ada@example.com');
			if (!request.ok) throw new Error('no request');
			const phone = server.client();
			await phone(`${SERVER}/api/v1/session`, {
				method: 'POST',
				body: JSON.stringify({ email: 'ada@example.com', password: 'correct horse' })
			});
			const response = await phone(`${SERVER}/api/v1/sync`, {
				method: 'POST',
				body: JSON.stringify({
					operations: [{ id: 'portal-2', type: 'instant-activation', payload: { request: request.regFile } }]
				})
			});
			const files = (
				(await response.json()) as { results: { result: { licenses: { file: string }[] } }[] }
			).results[0]!.result.licenses.map((license) => license.file);
			const signed = files.map((file) => {
				const parsed = parseLicenseFile(file);
				if (!parsed.ok) throw new Error(parsed.error.message);
				return parsed.license;
			});
			const [code] = licenseBatchQrCodes(signed);
			server.online = false;
			expect(
				await licenses.importLicenseFiles([{ name: 'scanned', text: 'AIRLOCK:LB1:AQEB' }])
			).toMatchObject([{ ok: false, name: 'scanned', error: { code: 'license_batch_malformed' } }]);
			expect(await licenses.check({ product: 'DEV' })).toMatchObject({ ok: false, reason: 'not_activated' });
			const reports = await licenses.importLicenseFiles([{ name: 'scanned', text: code!.text }]);
			expect(reports.map((report) => (report.ok ? report.licenseNumber : report.error.code)).sort()).toEqual(
				signed.map((license) => license.licenseNumber).sort()
			);
			expect(reports.every((report) => report.name.startsWith('scanned, license '))).toBe(true);
			expect(await licenses.check({ product: 'DEV' })).toMatchObject({ ok: true });
			expect(await licenses.check({ product: 'SRV' })).toMatchObject({ ok: true });
		});

		it('Refresh brings a new expansion and a released seat, and names what changed', async () => {
			const { licenses, server } = await setup();
			server.catalogue.get(SRV)!.expansions = [];
			await licenses.activate({ ...ada, licenseNumbers: [SRV, DEV] });
			server.catalogue.get(SRV)!.expansions = [CLX];
			server.releaseSeat(licenses.deviceId, DEV);
			const changes: string[] = [];
			licenses.onChange(() => changes.push('changed'));
			const refreshed = await licenses.refresh();
			expect(refreshed).toMatchObject({ kind: 'refreshed' });
			if (refreshed.kind !== 'refreshed') return;
			expect(refreshed.changes.newExpansions.map((l) => l.licenseNumber)).toEqual([CLX]);
			expect(refreshed.changes.withdrawn.map((l) => l.licenseNumber)).toEqual([DEV]);
			expect(changes.length).toBeGreaterThan(0);
			expect(await licenses.check({ product: 'DEV' })).toMatchObject({ ok: false, reason: 'deactivated' });
			expect(await licenses.check({ product: 'SRV', expansion: 'CLX' })).toMatchObject({ ok: true });
		});

		it('Refresh with nothing held, and Refresh offline, say so', async () => {
			const { licenses, server } = await setup();
			expect(await licenses.refresh()).toEqual({ kind: 'nothing-to-refresh' });
			await licenses.activate({ ...ada, licenseNumbers: [SRV] });
			server.online = false;
			expect(await licenses.refresh()).toMatchObject({ kind: 'queued', waitingFor: 'network' });
		});
	});
});

describe('a storage closed under the program', () => {
	it('answers every check with storage_closed, and refuses to activate with an AirlockError', async () => {
		const storage = memoryStorage();
		const licenses = await openLicenses({
			storage,
			server: SERVER,
			fetch: () => Promise.reject(new TypeError('Failed to fetch')),
			clock: manualClock(NOW)
		});
		expect((await licenses.check({ product: 'SRV' })).ok).toBe(false);
		storage.simulateClosed({ reason: 'deleted', message: 'The data was deleted.' });
		expect(await licenses.check({ product: 'SRV' })).toMatchObject({ ok: false, reason: 'storage_closed' });
		expect(await licenses.entitlements()).toEqual([]);
		const refused = await licenses
			.activate({ email: 'ada@example.com', password: 'pw', licenseNumbers: [SRV] })
			.catch((error: unknown) => error);
		expect(refused).toBeInstanceOf(AirlockError);
		expect(refused).toMatchObject({ code: 'storage_closed' });
	});
});
