// Back up and restore, end to end over the SDK's public API: a device activated at a fake server,
// backed up, its storage lost (a new, empty one: the browser's data cleared), restored.
import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeActivationServer } from '../../../../tests/fixtures/fake-activation-server.js';
import type { PublishedKeySet } from '$lib/protocol/vendor-keys.js';
import { openLicenses, type Licenses } from '../open.js';
import { dexieStorage, LicenseManagerDatabase } from '../browser/dexie-storage.js';
import type { LicenseStorage, TableName } from '../platform/storage.js';
import { manualClock, memoryStorage } from '../testing/index.js';
import { peekClock } from '../time/clock-store.js';
import { emergencyActivation, emergencyAlreadyUsed } from '../workflows/emergency.js';
import { canonicalJson, readBackup } from './backup-file.js';

const NOW = Date.UTC(2026, 11, 2, 12);
const DAY = 86_400_000;
const SERVER = 'https://activation.example.com';
const SRV = 'SRV-5BQ7-MKXD-3H99';
const DEV = 'DEV-2345-6789-ABCC';
const PASSPHRASE = 'correct horse battery staple';
/** scrypt's real cost (about 2 s a derivation on a laptop, more on a busy test machine). */
const SCRYPT_TIMEOUT = 120_000;
const ada = { email: 'ada@example.com', password: 'correct horse' };

let databases = 0;
/** A new storage, and how to open it again as a reload would (memory: the same one, still open). */
const ADAPTERS: [string, () => { storage: LicenseStorage; again: () => LicenseStorage }][] = [
	[
		'memory storage',
		() => {
			const storage = memoryStorage();
			return { storage, again: () => storage };
		}
	],
	[
		'Dexie over fake-indexeddb',
		() => {
			const name = `backup-test-${databases++}`;
			return {
				storage: dexieStorage(new LicenseManagerDatabase(name)),
				again: () => dexieStorage(new LicenseManagerDatabase(name))
			};
		}
	]
];

const clock = manualClock(NOW);
const server = new FakeActivationServer(() => clock.now())
	.add({ number: SRV, productName: 'Server Edition', email: ada.email })
	.add({
		number: DEV,
		productName: 'Developer Edition',
		email: ada.email,
		kind: 'temporary',
		expiresAt: NOW + 30 * DAY
	});
const vendorKeys = (await (await server.fetch(`${SERVER}/api/v1/keys`)).json()) as PublishedKeySet;

const open = (storage: LicenseStorage) =>
	openLicenses({ storage, server: SERVER, fetch: server.fetch, clock, vendorKeys, exportableIdentity: true });

async function activated(storage: LicenseStorage): Promise<Licenses> {
	const licenses = await open(storage);
	expect(await licenses.activate({ ...ada, licenseNumbers: [SRV, DEV] })).toMatchObject({
		kind: 'activated'
	});
	return licenses;
}

/** Every table as JSON (the private key, a CryptoKey in IndexedDB, by its device id): to show nothing changed. */
async function snapshot(storage: LicenseStorage): Promise<string> {
	const tables: TableName[] = ['identity', 'licenses', 'settings', 'syncState', 'outbox'];
	return storage.transaction('r', tables, async (tx) => {
		const all: Record<string, unknown> = {};
		for (const table of tables)
			all[table] = (await tx.all(table)).map((row) =>
				table === 'identity'
					? { deviceId: row.deviceId, mark: row.clockMarkMs, used: row.emergencyUsedAt }
					: row
			);
		return JSON.stringify(all);
	});
}

async function makeBackup(licenses: Licenses, passphrase?: string): Promise<string> {
	const outcome = await licenses.backup({ passphrase });
	if (!outcome.ok) throw new Error(outcome.error.message);
	return outcome.backup.text;
}

describe.each(ADAPTERS)('over %s', (_name, newStorage) => {
	it(
		'brings the same device id and the same licenses back after the data was lost',
		async () => {
			const before = await activated(newStorage().storage);
			const made = await before.backup({ passphrase: PASSPHRASE });
			expect(made).toMatchObject({ ok: true, backup: { identityIncluded: true, licenses: 2 } });
			const text = made.ok ? made.backup.text : '';
			expect(text).not.toContain(PASSPHRASE);

			// The data is gone: the next start makes a new identity.
			const { storage, again } = newStorage();
			const after = await open(storage);
			expect(after.deviceId).not.toBe(before.deviceId);
			expect(await after.check({ product: 'SRV' })).toMatchObject({ ok: false, reason: 'not_activated' });

			const restored = await after.restoreBackup(text, { passphrase: PASSPHRASE });
			expect(restored).toMatchObject({
				ok: true,
				report: {
					identity: 'restored',
					identityReplaced: true,
					deviceId: before.deviceId,
					toActivateAgain: []
				}
			});
			expect(restored.ok && [...restored.report.licensesRestored].sort()).toEqual([DEV, SRV]);
			expect(after.deviceId).toBe(before.deviceId);
			expect(await after.check({ product: 'SRV' })).toMatchObject({ ok: true });
			expect(await after.check({ product: 'DEV' })).toMatchObject({ ok: true });

			// Opened again (a reload), it is still that device, and may be backed up again with its key.
			const reopened = await open(again());
			expect(reopened.deviceId).toBe(before.deviceId);
			expect(await reopened.backup({ passphrase: PASSPHRASE })).toMatchObject({
				ok: true,
				backup: { identityIncluded: true }
			});
		},
		SCRYPT_TIMEOUT
	);
});

describe('backing up and restoring', () => {
	it(
		'refuses a wrong passphrase, an altered file and a truncated one, and changes nothing',
		async () => {
			const text = await makeBackup(await activated(memoryStorage()), PASSPHRASE);
			const storage = memoryStorage();
			const fresh = await open(storage);
			const untouched = await snapshot(storage);

			expect(await fresh.restoreBackup(text, { passphrase: 'not the passphrase' })).toMatchObject({
				ok: false,
				error: {
					code: 'backup_passphrase_wrong',
					message: expect.stringContaining('passphrase does not open')
				}
			});
			expect(await fresh.restoreBackup(text)).toMatchObject({
				ok: false,
				error: { code: 'backup_passphrase_needed' }
			});
			const altered = text.replace(/"clockMarkMs": \d+/, '"clockMarkMs": 1');
			expect(altered).not.toBe(text);
			expect(await fresh.restoreBackup(altered, { passphrase: PASSPHRASE })).toMatchObject({
				ok: false,
				error: { code: 'backup_damaged', message: expect.stringContaining('changed or damaged') }
			});
			expect(
				await fresh.restoreBackup(text.slice(0, text.length / 2), { passphrase: PASSPHRASE })
			).toMatchObject({
				ok: false,
				error: { code: 'backup_damaged', message: expect.stringContaining('incomplete') }
			});
			expect(await fresh.restoreBackup('{"hello": 1}')).toMatchObject({
				ok: false,
				error: { code: 'backup_unreadable' }
			});
			expect(await snapshot(storage)).toBe(untouched);
			expect(fresh.deviceId).toBe(JSON.parse(untouched).identity[0].deviceId);
		},
		SCRYPT_TIMEOUT
	);

	it(
		'refuses an altered file even when its checksum was recomputed: the passphrase’s tag covers it all',
		async () => {
			const text = await makeBackup(await activated(memoryStorage()), PASSPHRASE);
			const document = JSON.parse(text);
			document.content.clockMarkMs = 0;
			const { sha256 } = await import('@noble/hashes/sha2.js');
			const { bytesToHex } = await import('@noble/hashes/utils.js');
			const { sha256: _old, ...body } = document;
			void _old;
			document.sha256 = bytesToHex(sha256(new TextEncoder().encode(canonicalJson(body))));
			expect(readBackup(JSON.stringify(document)).ok).toBe(true);
			const storage = memoryStorage();
			const fresh = await open(storage);
			const untouched = await snapshot(storage);
			expect(await fresh.restoreBackup(JSON.stringify(document), { passphrase: PASSPHRASE })).toMatchObject({
				ok: false,
				error: { code: 'backup_passphrase_wrong' }
			});
			expect(await snapshot(storage)).toBe(untouched);
		},
		SCRYPT_TIMEOUT
	);

	it(
		'refuses another device’s backup on a computer with licenses of its own, and changes nothing',
		async () => {
			const text = await makeBackup(await activated(memoryStorage()), PASSPHRASE);
			const storage = memoryStorage();
			const other = await activated(storage);
			const untouched = await snapshot(storage);
			const outcome = await other.restoreBackup(text, { passphrase: PASSPHRASE });
			expect(outcome).toMatchObject({ ok: false, error: { code: 'backup_other_device' } });
			expect(!outcome.ok && outcome.error.message).toContain(other.deviceId);
			expect(await snapshot(storage)).toBe(untouched);
		},
		SCRYPT_TIMEOUT
	);

	it('without a passphrase: no identity in the file, and restored elsewhere the licenses must be activated again', async () => {
		const made = await (await activated(memoryStorage())).backup();
		expect(made).toMatchObject({ ok: true, backup: { identityIncluded: false } });
		const text = made.ok ? made.backup.text : '';
		expect(JSON.parse(text).identity).toBeNull();
		const fresh = await open(memoryStorage());
		const restored = await fresh.restoreBackup(text);
		expect(restored).toMatchObject({
			ok: true,
			report: {
				identity: 'not-in-backup',
				identityReplaced: false,
				deviceId: fresh.deviceId,
				licensesRestored: []
			}
		});
		expect(restored.ok && [...restored.report.toActivateAgain].sort()).toEqual([DEV, SRV]);
		expect(await fresh.check({ product: 'SRV' })).toMatchObject({ ok: false, reason: 'not_activated' });
	});

	it('on the device it was made on, brings back a license removed since, and keeps what is here', async () => {
		const storage = memoryStorage();
		const licenses = await activated(storage);
		const text = await makeBackup(licenses);
		await storage.transaction('rw', ['licenses'], (tx) => tx.delete('licenses', DEV));
		expect(await licenses.check({ product: 'DEV' })).toMatchObject({ ok: false });
		const restored = await licenses.restoreBackup(text);
		expect(restored).toMatchObject({ ok: true, report: { identity: 'kept', licensesRestored: [DEV] } });
		expect(await licenses.check({ product: 'DEV' })).toMatchObject({ ok: true });
	});

	it(
		'never lowers the clock’s mark nor forgets an Emergency Activation used',
		async () => {
			const storage = memoryStorage();
			const licenses = await open(storage);
			const used = await emergencyActivation(
				licenses.core,
				{ licenseNumber: SRV, codeText: '' },
				{ effectiveNow: NOW, problem: null }
			);
			expect(used.ok).toBe(true);
			clock.set(NOW + 3 * DAY);
			await licenses.check({ product: 'SRV' });
			const text = await makeBackup(licenses, PASSPHRASE);
			const markAtBackup = (await peekClock(storage, clock.now())).markMs;

			// The data is cleared and the clock set back a day: the restore brings the mark and the use back.
			clock.set(NOW + 2 * DAY);
			const freshStorage = memoryStorage();
			const fresh = await open(freshStorage);
			expect(await emergencyAlreadyUsed(freshStorage)).toBe(false);
			expect(await fresh.restoreBackup(text, { passphrase: PASSPHRASE })).toMatchObject({ ok: true });
			expect(await emergencyAlreadyUsed(freshStorage)).toBe(true);
			expect((await peekClock(freshStorage, clock.now())).markMs).toBeGreaterThanOrEqual(markAtBackup);
			expect(await fresh.check({ product: 'SRV' })).toMatchObject({ ok: false, reason: 'clock_set_back' });

			// An older backup restored later never lowers what the device holds now.
			clock.set(NOW + 10 * DAY);
			await fresh.check({ product: 'SRV' });
			const markNow = (await peekClock(freshStorage, clock.now())).markMs;
			expect(await fresh.restoreBackup(text)).toMatchObject({ ok: true, report: { identity: 'kept' } });
			expect((await peekClock(freshStorage, clock.now())).markMs).toBe(markNow);
			clock.set(NOW);
		},
		SCRYPT_TIMEOUT
	);

	it('refuses a short passphrase', async () => {
		expect(await (await open(memoryStorage())).backup({ passphrase: 'short' })).toMatchObject({
			ok: false,
			error: { code: 'passphrase_too_short' }
		});
	});

	it('any changed character either is refused or leaves the content as it was (white space)', async () => {
		const text = await makeBackup(await activated(memoryStorage()));
		const read = readBackup(text);
		const original = read.ok ? canonicalJson(read.backup.content) : '';
		fc.assert(
			fc.property(fc.nat({ max: text.length - 1 }), fc.integer({ min: 32, max: 126 }), (at, code) => {
				const altered = text.slice(0, at) + String.fromCharCode(code) + text.slice(at + 1);
				const result = readBackup(altered);
				return !result.ok || canonicalJson(result.backup.content) === original;
			}),
			{ numRuns: 300 }
		);
	});
});
