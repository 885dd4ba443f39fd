import { beforeAll, expect, it } from 'vitest';
import { generateKeyPair } from '$lib/protocol/ed25519-tweetnacl';
import { encodeBase64url } from '$lib/protocol/base64url';
import { describeEachDatabase } from '../testing/databases';
import { ensureCatalogue } from '../catalogue/catalogue.service';
import { findEmergencyUse } from './emergency-uses.repository';
import { deviceIdOf } from '$lib/protocol/sync-ids';
import { generateLicenseNumber } from '$lib/protocol/license-number';
import type { Db } from '../db/schema';
import {
	EMERGENCY_REPORT_LIMIT,
	EMERGENCY_START_TOLERANCE_MS,
	reportEmergencyUse,
	UNHELD_USE_RETENTION_MS
} from './emergency-report.service';
import { emergencyReportOperation } from '../sync/emergency-operations';
import { housekeeping } from '../housekeeping';
import {
	codeFor,
	newAccount,
	newLicense,
	NOW,
	strangerSigner,
	trustedKeys,
	useText,
	vendor
} from './testing';

const DAY = 86_400_000;

function report(
	db: Db,
	text: string,
	{ acceptBareNumber = true, now = NOW + DAY, clientAddress = '192.0.2.1' } = {}
) {
	return reportEmergencyUse({ db, now, trustedKeys, acceptBareNumber, clientAddress }, text);
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
					'emergency activation was already used on another device; activate it normally'
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

	it('accepts one use per device: the same device’s use of another license is revoked, also when both race', async () => {
		const db = getDb();
		const account = await newAccount(db);
		const licenses = await Promise.all([1, 2, 3, 4].map(() => newLicense(db, account.email)));
		const [first, second, racingA, racingB] = licenses.map(({ license }) => license.number) as [
			string,
			string,
			string,
			string
		];
		const device = generateKeyPair();
		expect(await report(db, await useText(device, { licenseNumber: first }))).toMatchObject({
			ok: true,
			result: { revoked: false }
		});
		// Its local mark deleted, the device made a second use for another license: the server says no.
		const again = await report(db, await useText(device, { licenseNumber: second, now: NOW + DAY }), {
			now: NOW + DAY
		});
		expect(again).toEqual({
			ok: true,
			result: {
				revoked: true,
				licenseNumber: second,
				reason: 'emergency_already_used',
				message: expect.stringContaining('This computer has already used its one Emergency Activation')
			}
		});
		expect(await findEmergencyUse(db, second)).toBeUndefined();
		// Reporting the first use again is still the same answer.
		expect(await report(db, await useText(device, { licenseNumber: first }))).toMatchObject({
			ok: true,
			result: { revoked: false }
		});

		const racer = generateKeyPair();
		const results = await Promise.all(
			[racingA, racingB].map(async (licenseNumber) => report(db, await useText(racer, { licenseNumber })))
		);
		expect(results.filter((r) => r.ok && !r.result.revoked)).toHaveLength(1);
		expect(results.filter((r) => r.ok && r.result.revoked)).toHaveLength(1);
		const recorded = await Promise.all([racingA, racingB].map((number) => findEmergencyUse(db, number)));
		expect(recorded.filter(Boolean)).toHaveLength(1);
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

describeEachDatabase(
	'emergency use reports from anyone: what they can make the server store and tell',
	(getDb) => {
		beforeAll(() => ensureCatalogue(getDb()));

		it('refuses a use starting more than an hour after the server’s time, and records nothing', async () => {
			const db = getDb();
			const account = await newAccount(db);
			const { license } = await newLicense(db, account.email);
			const future = await useText(generateKeyPair(), {
				licenseNumber: license.number,
				now: NOW + EMERGENCY_START_TOLERANCE_MS + 1000
			});
			expect(await report(db, future, { now: NOW })).toEqual({
				ok: false,
				error: {
					code: 'emergency_use_from_future',
					message: expect.stringContaining('the clock of the computer that made it is wrong')
				}
			});
			expect(await findEmergencyUse(db, license.number)).toBeUndefined();
			// Within the tolerance (a License Manager's trusted time may run ahead of the true time).
			const soon = await useText(generateKeyPair(), {
				licenseNumber: license.number,
				now: NOW + EMERGENCY_START_TOLERANCE_MS
			});
			expect(await report(db, soon, { now: NOW })).toMatchObject({ ok: true, result: { revoked: false } });
		});

		it('never names the device that used a license to another device', async () => {
			const db = getDb();
			const account = await newAccount(db);
			const { license } = await newLicense(db, account.email);
			const owner = generateKeyPair();
			await report(db, await useText(owner, { licenseNumber: license.number }));
			const answer = await report(db, await useText(generateKeyPair(), { licenseNumber: license.number }));
			expect(answer).toMatchObject({ ok: true, result: { revoked: true } });
			expect(JSON.stringify(answer)).not.toContain(deviceIdOf(owner.publicKey));
		});

		it('refuses uses of expansions, held or not, and records nothing', async () => {
			const db = getDb();
			const account = await newAccount(db);
			const { license, expansions } = await newLicense(db, account.email, { expansions: ['CLX'] });
			const expansion = expansions[0]!.license.number;
			const unheld = generateLicenseNumber('WEB');
			for (const [number, mentions] of [
				[expansion, `is an expansion of ${license.number}`],
				[unheld, 'is an expansion: Emergency Activation is for the license it extends']
			] as const) {
				const answer = await report(db, await useText(generateKeyPair(), { licenseNumber: number }));
				expect(answer).toMatchObject({
					ok: true,
					result: {
						revoked: true,
						reason: 'emergency_not_allowed',
						message: expect.stringContaining(mentions)
					}
				});
				expect(await findEmergencyUse(db, number)).toBeUndefined();
			}
		});

		it('stores the canonical signed block for a held license (not a free preamble), and for an unheld number only who and when', async () => {
			const db = getDb();
			const account = await newAccount(db);
			const { license } = await newLicense(db, account.email);
			const device = generateKeyPair();
			const text = await useText(device, { licenseNumber: license.number });
			const padded = `${'x'.repeat(3000)}\n${text}`;
			expect(padded.length).toBeLessThanOrEqual(4096);
			expect(await report(db, padded)).toMatchObject({ ok: true, result: { revoked: false } });
			const held = await findEmergencyUse(db, license.number);
			expect(held?.report).toBe(text);
			expect(held!.report!.length).toBeLessThan(1500);

			const unheld = generateLicenseNumber('SRV');
			const other = generateKeyPair();
			await report(db, `${'y'.repeat(3000)}\n${await useText(other, { licenseNumber: unheld })}`);
			expect(await findEmergencyUse(db, unheld)).toEqual({
				license_number: unheld,
				device_id: deviceIdOf(other.publicKey),
				used_at: NOW,
				reported_at: NOW + DAY,
				device_public_key: null,
				basis: 'bare-number',
				code_id: null,
				ends_at: NOW + 5 * DAY,
				report: null
			});
		});

		it('records at most 30 new uses an hour per client address; the rest wait (not refused for good)', async () => {
			const db = getDb();
			const texts = await Promise.all(
				Array.from({ length: EMERGENCY_REPORT_LIMIT.count + 2 }, () =>
					useText(generateKeyPair(), { licenseNumber: generateLicenseNumber('SRV') })
				)
			);
			const flood = { clientAddress: '198.51.100.7' };
			const answers = [];
			for (const text of texts) answers.push(await report(db, text, flood));
			expect(answers.slice(0, EMERGENCY_REPORT_LIMIT.count).every((a) => a.ok && !a.result.revoked)).toBe(
				true
			);
			for (const answer of answers.slice(EMERGENCY_REPORT_LIMIT.count))
				expect(answer).toMatchObject({ ok: false, later: true, error: { code: 'rate_limited' } });
			expect(await findEmergencyUse(db, texts.at(-1)!.match(/License: (\S+)/)![1]!)).toBeUndefined();
			// Through sync, a waiting report gets no result: the License Manager sends it again later.
			const waiting = await useText(generateKeyPair(), { licenseNumber: generateLicenseNumber('SRV') });
			const outcome = await (
				await emergencyReportOperation(() => true).prepare({ use: waiting })
			)({ db, signer: vendor, now: NOW + DAY }, null, {
				address: '198.51.100.7'
			});
			expect(outcome).toMatchObject({ status: 'later', error: { code: 'rate_limited' } });
			// Another address is not held up; the same one is again once its hour is over.
			expect(await report(db, texts.at(-1)!, { clientAddress: '203.0.113.9' })).toMatchObject({ ok: true });
			expect(
				await report(db, texts.at(-2)!, { ...flood, now: NOW + DAY + EMERGENCY_REPORT_LIMIT.windowMs })
			).toMatchObject({
				ok: true
			});
		});

		it('housekeeping forgets the uses of unheld numbers a week after they end, and keeps held licenses’ uses', async () => {
			const db = getDb();
			const account = await newAccount(db);
			const { license } = await newLicense(db, account.email);
			const unheld = generateLicenseNumber('DEV');
			await report(db, await useText(generateKeyPair(), { licenseNumber: license.number }));
			await report(db, await useText(generateKeyPair(), { licenseNumber: unheld }));
			const ended = NOW + 5 * DAY;
			await housekeeping(db, ended + UNHELD_USE_RETENTION_MS - 1000);
			expect(await findEmergencyUse(db, unheld)).toBeDefined();
			await housekeeping(db, ended + UNHELD_USE_RETENTION_MS + 1000);
			expect(await findEmergencyUse(db, unheld)).toBeUndefined();
			expect(await findEmergencyUse(db, license.number)).toBeDefined();
			// The devices' marks follow: the unheld number's goes, the held license's stays.
			const marks = await db.selectFrom('emergency_device_uses').select('license_number').execute();
			expect(marks.map((mark) => mark.license_number)).not.toContain(unheld);
			expect(marks.map((mark) => mark.license_number)).toContain(license.number);
		});
	}
);
