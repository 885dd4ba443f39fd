import { beforeAll, expect, it } from 'vitest';
import { verifyEmergencyCode } from '$lib/protocol/emergency-code';
import { generateKeyPair } from '$lib/protocol/ed25519-tweetnacl';
import { generateLicenseNumber } from '$lib/protocol/license-number';
import { describeEachDatabase } from '../testing/databases';
import { ensureCatalogue } from '../catalogue/catalogue.service';
import { getEmergencyCode, type EmergencyCodeOutcome } from './emergency-code.service';
import { reportEmergencyUse } from './emergency-report.service';
import { newAccount, newLicense, NOW, trustedKeys, useText, vendor } from './testing';
import type { Db } from '../db/schema';

const DAY = 86_400_000;

function issue(db: Db, licenseNumber: string, accountId: string, now = NOW) {
	return getEmergencyCode({ db, signer: vendor, now }, { licenseNumber, accountId });
}

function expectOk(outcome: EmergencyCodeOutcome) {
	if (!outcome.ok) throw new Error(`refused: ${outcome.error.code} ${outcome.error.message}`);
	return outcome.response;
}

describeEachDatabase('emergency codes', (getDb) => {
	beforeAll(() => ensureCatalogue(getDb()));

	it('issues the owner a verifiable code, then the same code again, and says once it has been used', async () => {
		const db = getDb();
		const account = await newAccount(db);
		const { license } = await newLicense(db, account.email);
		const first = expectOk(await issue(db, license.number, account.id));
		const verified = await verifyEmergencyCode(first.code, {
			trustedKeys,
			now: NOW,
			licenseNumber: license.number
		});
		expect(verified.ok && verified.code).toMatchObject({
			licenseNumber: license.number,
			productName: 'Airlock Server Edition',
			email: account.email,
			maxDays: 5,
			kid: vendor.kid
		});
		expect((await verifyEmergencyCode(first.sheet, { trustedKeys, now: NOW })).ok).toBe(true);
		expect(first).toMatchObject({ licenseNumber: license.number, maxDays: 5, used: null, issuedAt: NOW });
		// Typed in lower case without hyphens, a day later: still the one stored code.
		const again = expectOk(
			await issue(db, license.number.toLowerCase().replaceAll('-', ''), account.id, NOW + DAY)
		);
		expect(again).toEqual(first);

		const device = generateKeyPair();
		const report = await reportEmergencyUse(
			{ db, now: NOW, trustedKeys, acceptBareNumber: true },
			await useText(device, { licenseNumber: license.number, code: verified.ok ? verified.code : undefined })
		);
		expect(report).toMatchObject({ ok: true, result: { revoked: false } });
		expect(expectOk(await issue(db, license.number, account.id)).used).toEqual({
			deviceId: report.ok && !report.result.revoked ? report.result.deviceId : '',
			usedAt: NOW
		});
	});

	it('answers another account’s license exactly as a license that does not exist', async () => {
		const db = getDb();
		const owner = await newAccount(db);
		const other = await newAccount(db);
		const { license } = await newLicense(db, owner.email);
		const theirs = await issue(db, license.number, other.id);
		expect(theirs).toMatchObject({ ok: false, error: { code: 'license_not_found' } });
		// Same number shape, same product, no such license: the answer differs only by the number itself.
		const unknown = generateLicenseNumber('SRV');
		const missing = await issue(db, unknown, other.id);
		expect(JSON.stringify(missing).replaceAll(unknown, 'N')).toBe(
			JSON.stringify(theirs).replaceAll(license.number, 'N')
		);
		expect(await issue(db, 'SRV-1234', owner.id)).toMatchObject({
			ok: false,
			error: { code: 'license_number_invalid' }
		});
	});

	it('refuses a license that forbids Emergency Activation, an expansion and an expired license', async () => {
		const db = getDb();
		const account = await newAccount(db);
		const forbidden = await newLicense(db, account.email, { emergencyAllowed: false });
		expect(await issue(db, forbidden.license.number, account.id)).toMatchObject({
			ok: false,
			error: { code: 'emergency_not_allowed', licenseNumber: forbidden.license.number }
		});
		const withExpansion = await newLicense(db, account.email, { expansions: ['CLX'] });
		expect(await issue(db, withExpansion.expansions[0]!.license.number, account.id)).toMatchObject({
			ok: false,
			error: { code: 'license_is_expansion' }
		});
		const expiring = await newLicense(db, account.email, { expiresAt: NOW + DAY });
		expect((await issue(db, expiring.license.number, account.id)).ok).toBe(true);
		expect(await issue(db, expiring.license.number, account.id, NOW + DAY)).toMatchObject({
			ok: false,
			error: { code: 'license_expired' }
		});
	});

	it('hands out one code when two requests race', async () => {
		const db = getDb();
		const account = await newAccount(db);
		const { license } = await newLicense(db, account.email);
		const [a, b] = await Promise.all([
			issue(db, license.number, account.id),
			issue(db, license.number, account.id)
		]);
		expect(expectOk(a).code).toBe(expectOk(b).code);
	});
});
