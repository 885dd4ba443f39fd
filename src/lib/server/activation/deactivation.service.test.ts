import { beforeAll, describe, expect, it } from 'vitest';
import {
	createDeactivationStatement,
	deactivationQrUrl,
	formatDeactivationFile,
	type DeactivationStatement
} from '$lib/protocol/deactivation';
import { signerFromKeyPair, type Ed25519KeyPair } from '$lib/protocol/ed25519';
import { generateKeyPair } from '$lib/protocol/ed25519-tweetnacl';
import { parseLicenseFile } from '$lib/protocol/license-file';
import { createRegistrationRequest } from '$lib/protocol/reg-file';
import { describeEachDatabase } from '../testing/databases';
import { ensureCatalogue } from '../catalogue/catalogue.service';
import { newAccount, newLicense, NOW, vendor } from '../emergency/testing';
import { readLicenses, releaseSeat } from '../store/store.service';
import { findAuditEvents } from '../audit/audit.repository';
import type { Db } from '../db/schema';
import { applySyncBatch } from '../sync/sync.service';
import { activate } from './activation.service';
import { applyDeactivation, submitDeactivation } from './deactivation.service';

const PORTAL = 'https://activation.example.com/portal';

type Account = { id: string; email: string };

/** Activates the license on the device at `now`; the issue time of the file it got. */
async function activateOn(db: Db, device: Ed25519KeyPair, account: Account, number: string, now = NOW) {
	const request = await createRegistrationRequest({
		purpose: 'activate',
		licenseNumbers: [number],
		email: account.email,
		signer: signerFromKeyPair(device),
		now
	});
	const outcome = await activate({ db, signer: vendor, now }, { request, path: 'deferred', account });
	if (!outcome.ok) throw new Error(outcome.error.message);
	const parsed = parseLicenseFile(outcome.response.licenses[0]!.file);
	if (!parsed.ok) throw new Error('unreadable license file');
	return parsed.license.issuedAt;
}

function statementOf(device: Ed25519KeyPair, number: string, licenseIssuedAt: number, now = NOW + 60_000) {
	return createDeactivationStatement({
		licenseNumber: number,
		licenseIssuedAt,
		signer: signerFromKeyPair(device),
		now
	});
}

/** What a refusal must leave untouched: the seats and the audit log. */
async function snapshot(db: Db, account: Account) {
	const licenses = (await readLicenses(db, account.id, NOW)).map((license) => ({
		number: license.number,
		devices: license.devices.map((device) => device.deviceId).sort()
	}));
	const events = await findAuditEvents(db, { accountEmail: account.email }, 1000);
	return { licenses, events: events.length };
}

describeEachDatabase('offline deactivation', (getDb) => {
	beforeAll(() => ensureCatalogue(getDb()));

	async function setUp() {
		const db = getDb();
		const account = await newAccount(db);
		const { license } = await newLicense(db, account.email, { seats: 1 });
		const laptopA = generateKeyPair();
		const issuedAt = await activateOn(db, laptopA, account, license.number);
		return { db, account, number: license.number, laptopA, issuedAt };
	}

	it('frees the seat the statement gives up, records it, and the seat can be taken by another device', async () => {
		const { db, account, number, laptopA, issuedAt } = await setUp();
		const statement = await statementOf(laptopA, number, issuedAt);
		const outcome = await submitDeactivation(
			{ db, now: NOW + 120_000 },
			formatDeactivationFile(statement, PORTAL)
		);
		expect(outcome).toEqual({
			ok: true,
			value: { licenseNumber: number, deviceId: statement.deviceId, releasedAt: NOW + 120_000 }
		});
		const [listed] = await readLicenses(db, account.id, NOW + 120_000);
		expect(listed).toMatchObject({ number, seatsUsed: 0, devices: [] });
		const events = await findAuditEvents(db, { licenseNumbers: [number] }, 10);
		expect(events.at(-1)).toMatchObject({
			kind: 'seat.release',
			actor: 'device',
			device_id: statement.deviceId,
			account_email: account.email
		});
		expect(JSON.parse(events.at(-1)!.detail)).toMatchObject({
			via: 'deactivation',
			statement: statement.nonce
		});
		await activateOn(db, generateKeyPair(), account, number, NOW + 180_000);
	});

	it('accepts the QR code form', async () => {
		const { db, number, laptopA, issuedAt } = await setUp();
		const url = deactivationQrUrl(await statementOf(laptopA, number, issuedAt), PORTAL);
		expect((await submitDeactivation({ db, now: NOW + 120_000 }, url)).ok).toBe(true);
	});

	it('frees the seat once: the statement sent again is refused as replayed and changes nothing', async () => {
		const { db, account, number, laptopA, issuedAt } = await setUp();
		const statement = await statementOf(laptopA, number, issuedAt);
		expect((await applyDeactivation({ db, now: NOW + 120_000 }, statement)).ok).toBe(true);
		// Another device takes the freed seat; the replay must not free it.
		await activateOn(db, generateKeyPair(), account, number, NOW + 180_000);
		const before = await snapshot(db, account);
		const replay = await applyDeactivation({ db, now: NOW + 240_000 }, statement);
		expect(replay).toMatchObject({
			ok: false,
			error: { code: 'deactivation_replayed', licenseNumber: number }
		});
		expect(await snapshot(db, account)).toEqual(before);
	});

	it('never frees a later activation of the same device with an earlier one’s statement', async () => {
		const { db, account, number, laptopA, issuedAt } = await setUp();
		const first = await statementOf(laptopA, number, issuedAt);
		expect((await applyDeactivation({ db, now: NOW + 120_000 }, first)).ok).toBe(true);
		await activateOn(db, laptopA, account, number, NOW + 180_000);
		const before = await snapshot(db, account);
		// A new statement with the old file's time (an old statement re-signed) is the same replay.
		const again = await statementOf(laptopA, number, issuedAt, NOW + 200_000);
		for (const statement of [first, again]) {
			const outcome = await applyDeactivation({ db, now: NOW + 240_000 }, statement);
			expect(outcome).toMatchObject({ ok: false, error: { code: 'deactivation_replayed' } });
		}
		expect(await snapshot(db, account)).toEqual(before);
		expect(before.licenses[0]!.devices).toHaveLength(1);
	});

	it('refuses an altered statement and changes nothing', async () => {
		const { db, account, number, laptopA, issuedAt } = await setUp();
		const text = formatDeactivationFile(await statementOf(laptopA, number, issuedAt), PORTAL);
		const before = await snapshot(db, account);
		const altered = text.replace(
			/Deactivated-At: (\S+)T(\d\d)/,
			(_all, day: string, hour: string) =>
				`Deactivated-At: ${day}T${String((Number(hour) + 1) % 24).padStart(2, '0')}`
		);
		expect(altered).not.toBe(text);
		const outcome = await submitDeactivation({ db, now: NOW + 120_000 }, altered);
		expect(outcome).toMatchObject({ ok: false, error: { code: 'deactivation_bad_signature' } });
		expect(await snapshot(db, account)).toEqual(before);
	});

	it('refuses a statement made by another device, and one for a license the device never held', async () => {
		const { db, account, number, laptopA, issuedAt } = await setUp();
		const { license: other } = await newLicense(db, account.email, { seats: 2 });
		const before = await snapshot(db, account);
		const statements: DeactivationStatement[] = [
			await statementOf(generateKeyPair(), number, issuedAt),
			await statementOf(laptopA, other.number, issuedAt),
			await statementOf(laptopA, 'SRV-5BQ7-MKXD-3H99', issuedAt)
		];
		for (const statement of statements) {
			const outcome = await applyDeactivation({ db, now: NOW + 120_000 }, statement);
			expect(outcome).toMatchObject({ ok: false, error: { code: 'deactivation_not_held' } });
		}
		expect(await snapshot(db, account)).toEqual(before);
	});

	it('refuses a statement once the device was given a newer file on the same seat', async () => {
		const { db, account, number, laptopA, issuedAt } = await setUp();
		const statement = await statementOf(laptopA, number, issuedAt);
		// The device asks again (the same seat is renewed) after it made the statement.
		await activateOn(db, laptopA, account, number, NOW + 180_000);
		const before = await snapshot(db, account);
		const outcome = await applyDeactivation({ db, now: NOW + 240_000 }, statement);
		expect(outcome).toMatchObject({ ok: false, error: { code: 'deactivation_superseded' } });
		expect(await snapshot(db, account)).toEqual(before);
	});

	it('is sent by the outbox without a session: freed once, then answered as already had, and altered refused', async () => {
		const { db, account, number, laptopA, issuedAt } = await setUp();
		const text = formatDeactivationFile(await statementOf(laptopA, number, issuedAt), PORTAL);
		const ctx = { db, signer: vendor, now: NOW + 120_000 };
		const op = (id: string, statement: string) => ({
			id,
			type: 'deactivation-report',
			payload: { statement }
		});
		expect(await applySyncBatch(ctx, [op('op-deact-0001', text)], null)).toMatchObject([
			{ status: 'applied', result: { licenseNumber: number, outcome: 'freed' } }
		]);
		const before = await snapshot(db, account);
		expect(before.licenses[0]!.devices).toEqual([]);
		expect(
			await applySyncBatch(
				ctx,
				[
					op('op-deact-0002', text),
					op(
						'op-deact-0003',
						text.replace(/Signature: (.)/, (_all, c: string) => `Signature: ${c === 'A' ? 'B' : 'A'}`)
					)
				],
				null
			)
		).toMatchObject([{ status: 'applied', result: { outcome: 'already' } }, { status: 'rejected' }]);
		expect(await snapshot(db, account)).toEqual(before);
	});

	it('refuses a statement whose seat the owner has released already', async () => {
		const { db, account, number, laptopA, issuedAt } = await setUp();
		const statement = await statementOf(laptopA, number, issuedAt);
		const released = await releaseSeat(
			db,
			{ account, licenseNumber: number, deviceId: statement.deviceId },
			NOW + 60_000
		);
		expect(released.ok).toBe(true);
		const before = await snapshot(db, account);
		const outcome = await applyDeactivation({ db, now: NOW + 120_000 }, statement);
		expect(outcome).toMatchObject({ ok: false, error: { code: 'seat_already_released' } });
		expect(await snapshot(db, account)).toEqual(before);
	});
});

describe('deactivation statement binding', () => {
	it('is refused before the database when it does not parse', async () => {
		const outcome = await submitDeactivation({ db: null as unknown as Db, now: NOW }, 'not a statement');
		expect(outcome).toMatchObject({ ok: false, error: { code: 'deactivation_not_a_statement' } });
	});
});
