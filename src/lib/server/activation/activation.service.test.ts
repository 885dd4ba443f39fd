import { beforeAll, expect, it } from 'vitest';
import { createRegistrationRequest, type RegistrationRequest } from '$lib/protocol/reg-file';
import { signerFromKeyPair, type Ed25519KeyPair } from '$lib/protocol/ed25519';
import { generateKeyPair } from '$lib/protocol/ed25519-tweetnacl';
import { verifyLicenseFile } from '$lib/protocol/license-file';
import type { ActivationResponse } from '$lib/protocol/api';
import { describeEachDatabase } from '../testing/databases';
import { createAccount } from '../accounts/account.service';
import {
	addExpansion,
	createLicense,
	ensureCatalogue,
	type CreateLicenseInput
} from '../catalogue/catalogue.service';
import { TEST_PASSWORD_COST } from '../accounts/password';
import { signerFromSeed } from '../keys/signing-keys.service';
import { releaseActivation, findActiveActivation, countActiveSeats } from './activations.repository';
import { activate, refresh, type ActivationContext } from './activation.service';
import type { Db } from '../db/schema';

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const DAY = 86_400_000;
const vendor = signerFromSeed(new Uint8Array(32).fill(9));
const trustedKeys = new Map([[vendor.kid, { kid: vendor.kid, publicKey: vendor.publicKey }]]);

let accounts = 0;
async function newAccount(db: Db) {
	const result = await createAccount(
		db,
		{ email: `user${++accounts}-${crypto.randomUUID().slice(0, 8)}@example.com`, password: 'correct horse' },
		NOW,
		TEST_PASSWORD_COST
	);
	if (!result.ok) throw new Error(result.message);
	return { id: result.account.id, email: result.account.email };
}

async function newLicense(db: Db, email: string, input: Partial<CreateLicenseInput> = {}) {
	const result = await createLicense(db, { productCode: 'SRV', email, seats: 1, ...input }, NOW);
	if (!result.ok) throw new Error(result.message);
	return result.created;
}

function requestFor(
	device: Ed25519KeyPair,
	email: string,
	licenseNumbers: string[],
	overrides: { purpose?: 'activate' | 'refresh'; now?: number } = {}
): Promise<RegistrationRequest> {
	return createRegistrationRequest({
		purpose: overrides.purpose ?? 'activate',
		licenseNumbers,
		email,
		signer: signerFromKeyPair(device),
		now: overrides.now ?? NOW
	});
}

function context(db: Db, now = NOW): ActivationContext {
	return { db, signer: vendor, now };
}

function expectOk(outcome: Awaited<ReturnType<typeof activate>>): ActivationResponse {
	if (!outcome.ok) throw new Error(`refused: ${outcome.error.code} ${outcome.error.message}`);
	return outcome.response;
}

describeEachDatabase('activation service', (getDb) => {
	beforeAll(() => ensureCatalogue(getDb()));

	it('issues verifiable files for the license and each attached expansion, bound to the device', async () => {
		const db = getDb();
		const account = await newAccount(db);
		const { license, expansions } = await newLicense(db, account.email, {
			seats: 2,
			expansions: ['CLX', 'WEB']
		});
		const device = generateKeyPair();
		const response = expectOk(
			await activate(context(db), {
				request: await requestFor(device, account.email, [license.number]),
				path: 'instant',
				account
			})
		);
		expect(response.licenses.map((l) => l.licenseNumber)).toEqual([
			license.number,
			...expansions.map((e) => e.license.number)
		]);
		for (const issued of response.licenses) {
			const verified = await verifyLicenseFile(issued.file, {
				trustedKeys,
				devicePublicKey: device.publicKey,
				now: NOW
			});
			expect(verified.ok).toBe(true);
		}
		const main = await verifyLicenseFile(response.licenses[0]!.file, {
			trustedKeys,
			devicePublicKey: device.publicKey,
			now: NOW
		});
		expect(main.ok && main.license.expansions).toEqual(expansions.map((e) => e.license.number));
		expect(await countActiveSeats(db, license.number)).toBe(1);
	});

	it('gives the same device a fresh file on the seat it holds, and refuses a device once the seats are taken', async () => {
		const db = getDb();
		const account = await newAccount(db);
		const { license } = await newLicense(db, account.email, { seats: 1 });
		const device = generateKeyPair();
		expectOk(
			await activate(context(db), {
				request: await requestFor(device, account.email, [license.number]),
				path: 'instant',
				account
			})
		);
		expectOk(
			await activate(context(db, NOW + 1000), {
				request: await requestFor(device, account.email, [license.number]),
				path: 'instant',
				account
			})
		);
		expect(await countActiveSeats(db, license.number)).toBe(1);
		const other = await activate(context(db), {
			request: await requestFor(generateKeyPair(), account.email, [license.number]),
			path: 'instant',
			account
		});
		expect(other).toMatchObject({
			ok: false,
			error: { code: 'no_free_seat', licenseNumber: license.number }
		});
	});

	it('gives the last seat to exactly one of many simultaneous devices', async () => {
		const db = getDb();
		const account = await newAccount(db);
		const { license } = await newLicense(db, account.email, { seats: 3 });
		const requests = await Promise.all(
			Array.from({ length: 12 }, () => requestFor(generateKeyPair(), account.email, [license.number]))
		);
		const outcomes = await Promise.all(
			requests.map((request) => activate(context(db), { request, path: 'instant', account }))
		);
		expect(outcomes.filter((o) => o.ok)).toHaveLength(3);
		expect(outcomes.filter((o) => !o.ok).map((o) => !o.ok && o.error.code)).toEqual(
			Array(9).fill('no_free_seat')
		);
		expect(await countActiveSeats(db, license.number)).toBe(3);
	});

	it('answers a replayed request with the same answer and never a second seat; another account is refused', async () => {
		const db = getDb();
		const account = await newAccount(db);
		const intruder = await newAccount(db);
		const { license } = await newLicense(db, account.email, { seats: 5 });
		const request = await requestFor(generateKeyPair(), account.email, [license.number]);
		const outcomes = await Promise.all(
			Array.from({ length: 20 }, (_, i) =>
				activate(context(db, NOW + i), { request, path: 'deferred', account })
			)
		);
		const files = outcomes.map((o) => expectOk(o).licenses[0]!.file);
		expect(new Set(files).size).toBe(1);
		expect(await countActiveSeats(db, license.number)).toBe(1);
		const later = expectOk(await activate(context(db, NOW + DAY), { request, path: 'deferred', account }));
		expect(later.licenses[0]!.file).toBe(files[0]);
		const stolen = await activate(context(db), { request, path: 'deferred', account: intruder });
		expect(stolen).toMatchObject({ ok: false, error: { code: 'email_mismatch' } });
	});

	it('refuses a request replayed after its seat was released (request_replayed): no file without a seat; a new request takes a new seat', async () => {
		const db = getDb();
		const account = await newAccount(db);
		const { license } = await newLicense(db, account.email, { seats: 1, expansions: ['CLX'] });
		const device = generateKeyPair();
		const request = await requestFor(device, account.email, [license.number]);
		expectOk(await activate(context(db), { request, path: 'instant', account }));
		const refreshRequest = await requestFor(device, account.email, [], {
			purpose: 'refresh',
			now: NOW + 1000
		});
		expect(
			expectOk(await refresh(context(db, NOW + 1000), { request: refreshRequest })).licenses
		).toHaveLength(2);
		const seat = await findActiveActivation(db, license.number, request.deviceId);
		await releaseActivation(db, seat!.id, NOW + 2000);

		for (const replay of [
			() => activate(context(db, NOW + 3000), { request, path: 'instant', account }),
			() => refresh(context(db, NOW + 3000), { request: refreshRequest })
		]) {
			expect(await replay()).toEqual({
				ok: false,
				error: {
					code: 'request_replayed',
					licenseNumber: license.number,
					message: expect.stringContaining('has been released since')
				}
			});
		}
		expect(await countActiveSeats(db, license.number)).toBe(0);
		// A new request from the same device activates it again, on a new seat.
		const again = await requestFor(device, account.email, [license.number], { now: NOW + 4000 });
		expectOk(await activate(context(db, NOW + 4000), { request: again, path: 'instant', account }));
		expect(await countActiveSeats(db, license.number)).toBe(1);
	});

	it('answers alike for an unknown license and another account’s license', async () => {
		const db = getDb();
		const account = await newAccount(db);
		const other = await newAccount(db);
		const { license } = await newLicense(db, other.email);
		const unknown = 'SRV-5BQ7-MKXD-3H99';
		const device = generateKeyPair();
		const theirs = await activate(context(db), {
			request: await requestFor(device, account.email, [license.number]),
			path: 'instant',
			account
		});
		const missing = await activate(context(db), {
			request: await requestFor(device, account.email, [unknown]),
			path: 'instant',
			account
		});
		expect(!theirs.ok && theirs.error.message.replace(license.number, 'N')).toBe(
			!missing.ok && missing.error.message.replace(unknown, 'N')
		);
		expect(!theirs.ok && theirs.error.code).toBe('license_not_found');
		expect(await countActiveSeats(db, license.number)).toBe(0);
	});

	it('refuses deferred activation of an “R” license but allows it instantly; rolls back a partly refused request', async () => {
		const db = getDb();
		const account = await newAccount(db);
		const { license: r } = await newLicense(db, account.email, { deferredAllowed: false });
		const { license: normal } = await newLicense(db, account.email, { productCode: 'DEV' });
		const device = generateKeyPair();
		const deferred = await activate(context(db), {
			request: await requestFor(device, account.email, [normal.number, r.number]),
			path: 'deferred',
			account
		});
		expect(deferred).toMatchObject({
			ok: false,
			error: { code: 'deferred_not_allowed', licenseNumber: r.number }
		});
		expect(
			await findActiveActivation(
				db,
				normal.number,
				(await requestFor(device, account.email, [normal.number])).deviceId
			)
		).toBeUndefined();
		expectOk(
			await activate(context(db), {
				request: await requestFor(device, account.email, [r.number]),
				path: 'instant',
				account
			})
		);
	});

	it('refuses expired licenses, expansions named directly, requests from the future and refresh requests', async () => {
		const db = getDb();
		const account = await newAccount(db);
		const { license: expiring } = await newLicense(db, account.email, { expiresAt: NOW + DAY });
		const { license, expansions } = await newLicense(db, account.email, { expansions: ['CLX'] });
		const device = generateKeyPair();
		const code = async (numbers: string[], overrides = {}, now = NOW) => {
			const outcome = await activate(context(db, now), {
				request: await requestFor(device, account.email, numbers, overrides),
				path: 'instant',
				account
			});
			return outcome.ok ? 'ok' : outcome.error.code;
		};
		expect(await code([expiring.number], {}, NOW + 2 * DAY)).toBe('license_expired');
		expect(await code([expansions[0]!.license.number])).toBe('license_is_expansion');
		expect(await code([license.number], { now: NOW + 10 * 60_000 })).toBe('request_from_future');
		expect(await code([], { purpose: 'refresh' })).toBe('request_wrong_purpose');
	});

	it('Refresh brings expansions attached since, renews temporary files, and reports a released seat', async () => {
		const db = getDb();
		const account = await newAccount(db);
		const { license } = await newLicense(db, account.email);
		const { license: temporary } = await newLicense(db, account.email, {
			productCode: 'DEV',
			temporaryDays: 30
		});
		const device = generateKeyPair();
		const first = expectOk(
			await activate(context(db), {
				request: await requestFor(device, account.email, [license.number, temporary.number]),
				path: 'instant',
				account
			})
		);
		expect(first.licenses).toHaveLength(2);

		const added = await addExpansion(db, license.number, 'WEB', NOW + DAY);
		if (!added.ok) throw new Error(added.message);
		const later = NOW + 20 * DAY;
		const refreshed = expectOk(
			await refresh(context(db, later), {
				request: await requestFor(device, account.email, [], { purpose: 'refresh', now: later })
			})
		);
		expect(refreshed.licenses.map((l) => l.licenseNumber).sort()).toEqual(
			[license.number, temporary.number, added.license.number].sort()
		);
		const temp = refreshed.licenses.find((l) => l.licenseNumber === temporary.number)!;
		const verified = await verifyLicenseFile(temp.file, {
			trustedKeys,
			devicePublicKey: device.publicKey,
			now: later
		});
		expect(verified.ok && verified.license.expiresAt).toBe(later + 30 * DAY);

		const activation = await findActiveActivation(
			db,
			license.number,
			refreshed.licenses.length ? (await requestFor(device, account.email, [license.number])).deviceId : ''
		);
		await releaseActivation(db, activation!.id, later + 1);
		const afterRelease = expectOk(
			await refresh(context(db, later + 2000), {
				request: await requestFor(device, account.email, [], { purpose: 'refresh', now: later + 2000 })
			})
		);
		expect(afterRelease.revoked).toEqual([
			expect.objectContaining({ licenseNumber: license.number, reason: 'seat_released' })
		]);
		expect(afterRelease.licenses.map((l) => l.licenseNumber)).toEqual([temporary.number]);
	});

	it('Refresh re-issues nothing to a device that holds nothing for the account', async () => {
		const db = getDb();
		const account = await newAccount(db);
		await newLicense(db, account.email);
		const response = expectOk(
			await refresh(context(db), {
				request: await requestFor(generateKeyPair(), account.email, [], { purpose: 'refresh' })
			})
		);
		expect(response).toMatchObject({ licenses: [], revoked: [] });
	});

	it('refuses a different request reusing a nonce, and a request older than 90 days', async () => {
		const db = getDb();
		const account = await newAccount(db);
		const { license } = await newLicense(db, account.email, { seats: 3 });
		const { license: other } = await newLicense(db, account.email, { productCode: 'DEV' });
		const device = generateKeyPair();
		const signer = signerFromKeyPair(device);
		const first = await createRegistrationRequest({
			purpose: 'activate',
			licenseNumbers: [license.number],
			email: account.email,
			signer,
			now: NOW
		});
		expectOk(await activate(context(db), { request: first, path: 'instant', account }));
		const sameNonce = await createRegistrationRequest({
			purpose: 'activate',
			licenseNumbers: [other.number],
			email: account.email,
			signer,
			now: NOW,
			nonce: first.nonce
		});
		expect(await activate(context(db), { request: sameNonce, path: 'instant', account })).toMatchObject({
			ok: false,
			error: { code: 'request_replayed' }
		});
		const old = await requestFor(generateKeyPair(), account.email, [license.number], { now: NOW - 91 * DAY });
		expect(await activate(context(db), { request: old, path: 'deferred', account })).toMatchObject({
			ok: false,
			error: { code: 'request_expired' }
		});
	});
});
