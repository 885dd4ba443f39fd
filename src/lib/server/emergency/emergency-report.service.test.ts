import { beforeAll, expect, it } from 'vitest';
import { generateKeyPair } from '$lib/protocol/ed25519-tweetnacl';
import { encodeBase64url } from '$lib/protocol/base64url';
import { describeEachDatabase } from '../testing/databases';
import { ensureCatalogue } from '../catalogue/catalogue.service';
import { findEmergencyUse } from './emergency-uses.repository';
import { deviceIdOf } from '$lib/protocol/sync-ids';
import { generateLicenseNumber } from '$lib/protocol/license-number';
import type { Db } from '../db/schema';
import { reportEmergencyUse } from './emergency-report.service';
import { codeFor, newAccount, newLicense, NOW, strangerSigner, trustedKeys, useText } from './testing';

const DAY = 86_400_000;

function report(db: Db, text: string, { acceptBareNumber = true, now = NOW + DAY } = {}) {
	return reportEmergencyUse({ db, now, trustedKeys, acceptBareNumber }, text);
}

describeEachDatabase('emergency use reports', (getDb) => {
	beforeAll(() => ensureCatalogue(getDb()));

	it('accepts the first use, answers the same report alike, and revokes a second device', async () => {
		const db = getDb();
		const account = await newAccount(db);
		const { license } = await newLicense(db, account.email);
		const code = await codeFor(license.number);
		const first = generateKeyPair();
		const text = await useText(first, { licenseNumber: license.number, code });
		const accepted = {
			ok: true,
			result: {
				revoked: false,
				licenseNumber: license.number,
				deviceId: deviceIdOf(first.publicKey),
				endsAt: NOW + 5 * DAY
			}
		};
		expect(await report(db, text)).toEqual(accepted);
		expect(await report(db, text, { now: NOW + 2 * DAY })).toEqual(accepted);
		expect(await findEmergencyUse(db, license.number)).toEqual({
			license_number: license.number,
			device_id: deviceIdOf(first.publicKey),
			used_at: NOW,
			reported_at: NOW + DAY,
			device_public_key: encodeBase64url(first.publicKey),
			basis: 'code',
			code_id: code.codeId,
			ends_at: NOW + 5 * DAY,
			report: text
		});

		const second = await report(
			db,
			await useText(generateKeyPair(), { licenseNumber: license.number, code })
		);
		expect(second).toEqual({
			ok: true,
			result: {
				revoked: true,
				licenseNumber: license.number,
				reason: 'emergency_already_used',
				message: expect.stringContaining(
					`emergency activation was already used on device ${deviceIdOf(first.publicKey)}; activate it normally`
				)
			}
		});
		// The same device starting a second emergency activation later is a second use too.
		const later = await useText(first, { licenseNumber: license.number, code, now: NOW + 10 * DAY });
		expect(await report(db, later, { now: NOW + 10 * DAY })).toMatchObject({
			ok: true,
			result: { revoked: true, reason: 'emergency_already_used' }
		});
		expect((await findEmergencyUse(db, license.number))?.device_id).toBe(deviceIdOf(first.publicKey));
	});

	it('revokes a use of a license that forbids Emergency Activation, and records nothing', async () => {
		const db = getDb();
		const account = await newAccount(db);
		const { license } = await newLicense(db, account.email, { emergencyAllowed: false });
		for (const text of [
			await useText(generateKeyPair(), { licenseNumber: license.number }),
			await useText(generateKeyPair(), { licenseNumber: license.number, code: await codeFor(license.number) })
		]) {
			expect(await report(db, text)).toMatchObject({
				ok: true,
				result: { revoked: true, reason: 'emergency_not_allowed', licenseNumber: license.number }
			});
		}
		expect(await findEmergencyUse(db, license.number)).toBeUndefined();
	});

	it('revokes a use of a license that has expired', async () => {
		const db = getDb();
		const account = await newAccount(db);
		const { license } = await newLicense(db, account.email, { expiresAt: NOW + DAY / 2 });
		const text = await useText(generateKeyPair(), { licenseNumber: license.number });
		expect(await report(db, text)).toMatchObject({
			ok: true,
			result: { revoked: true, reason: 'license_expired' }
		});
	});

	it('records a bare number the server does not know, unless the vendor refuses bare numbers', async () => {
		const db = getDb();
		const unknown = generateLicenseNumber('DEV'); // valid, and absent from the database
		const device = generateKeyPair();
		const text = await useText(device, { licenseNumber: unknown });
		expect(await report(db, text, { acceptBareNumber: false })).toMatchObject({
			ok: true,
			result: { revoked: true, reason: 'emergency_bare_number_refused', licenseNumber: unknown }
		});
		expect(await findEmergencyUse(db, unknown)).toBeUndefined();
		expect(await report(db, text)).toMatchObject({ ok: true, result: { revoked: false } });
		expect(await findEmergencyUse(db, unknown)).toMatchObject({ basis: 'bare-number', code_id: null });
		// Once recorded, a second device with the bare number is revoked like any other.
		expect(await report(db, await useText(generateKeyPair(), { licenseNumber: unknown }))).toMatchObject({
			ok: true,
			result: { revoked: true, reason: 'emergency_already_used' }
		});
	});

	it('records a use whose code proves a number this server does not hold', async () => {
		const db = getDb();
		const number = generateLicenseNumber('SRV');
		const text = await useText(generateKeyPair(), { licenseNumber: number, code: await codeFor(number) });
		expect(await report(db, text, { acceptBareNumber: false })).toMatchObject({
			ok: true,
			result: { revoked: false, licenseNumber: number }
		});
	});

	it('rejects a report that does not verify, without recording it', async () => {
		const db = getDb();
		const account = await newAccount(db);
		const { license } = await newLicense(db, account.email);
		const text = await useText(generateKeyPair(), { licenseNumber: license.number });
		expect(await report(db, text.replace('Ends-At: 2026-12-03', 'Ends-At: 2026-12-02'))).toMatchObject({
			ok: false,
			error: { code: 'emergency_use_bad_signature' }
		});
		const forged = await codeFor(license.number, strangerSigner(generateKeyPair()));
		expect(
			await report(db, await useText(generateKeyPair(), { licenseNumber: license.number, code: forged }))
		).toMatchObject({
			ok: false,
			error: { code: 'emergency_code_unknown_key' }
		});
		expect(await report(db, 'hello')).toMatchObject({
			ok: false,
			error: { code: 'emergency_use_not_a_use' }
		});
		expect(await findEmergencyUse(db, license.number)).toBeUndefined();
	});

	it('keeps exactly one use when two devices report at once', async () => {
		const db = getDb();
		const account = await newAccount(db);
		const { license } = await newLicense(db, account.email);
		const texts = await Promise.all(
			[1, 2, 3].map(() => useText(generateKeyPair(), { licenseNumber: license.number }))
		);
		const results = await Promise.all(texts.map((text) => report(db, text)));
		expect(results.filter((r) => r.ok && !r.result.revoked)).toHaveLength(1);
		expect(results.filter((r) => r.ok && r.result.revoked)).toHaveLength(2);
	});
});
