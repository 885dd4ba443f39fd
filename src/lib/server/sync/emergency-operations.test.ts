import { beforeAll, expect, it } from 'vitest';
import { generateKeyPair } from '$lib/protocol/ed25519-tweetnacl';
import { encodeBase64url } from '$lib/protocol/base64url';
import { describeEachDatabase } from '../testing/databases';
import { ensureCatalogue } from '../catalogue/catalogue.service';
import { insertActiveKey } from '../keys/signing-keys.repository';
import { codeFor, newAccount, newLicense, NOW, useText, vendor } from '../emergency/testing';
import { emergencyReportOperation } from './emergency-operations';
import { applySyncBatch } from './sync.service';

describeEachDatabase('sync operation emergency-report', (getDb) => {
	beforeAll(async () => {
		await ensureCatalogue(getDb());
		// The vendor's public part only: the test signs with `vendor` itself.
		await insertActiveKey(getDb(), {
			kid: vendor.kid,
			publicKey: encodeBase64url(vendor.publicKey),
			createdAt: NOW,
			sealedSeed: null,
			introducedBy: null,
			introduction: null
		});
	});

	it('applies without a session, verifying the code against the server’s own published keys', async () => {
		const db = getDb();
		const account = await newAccount(db);
		const { license } = await newLicense(db, account.email);
		const use = await useText(generateKeyPair(), {
			licenseNumber: license.number,
			code: await codeFor(license.number)
		});
		const ctx = { db, signer: vendor, now: NOW };
		const results = await applySyncBatch(
			ctx,
			[
				{ id: 'op-emergency-1', type: 'emergency-report', payload: { use } },
				{ id: 'op-emergency-2', type: 'emergency-report', payload: { use } },
				{ id: 'op-emergency-3', type: 'emergency-report', payload: { use: 42 } }
			],
			null
		);
		expect(results).toMatchObject([
			{ id: 'op-emergency-1', status: 'applied', result: { revoked: false, licenseNumber: license.number } },
			{ id: 'op-emergency-2', status: 'applied', result: { revoked: false } },
			{ id: 'op-emergency-3', status: 'rejected', error: { code: 'invalid_payload' } }
		]);
	});

	it('reads the vendor’s bare-number setting, and rejects a report that does not verify', async () => {
		const db = getDb();
		const account = await newAccount(db);
		const { license } = await newLicense(db, account.email);
		const ctx = { db, signer: vendor, now: NOW };
		const bare = await useText(generateKeyPair(), { licenseNumber: license.number });
		const applyWith = async (acceptBareNumber: boolean, use: string) =>
			(await emergencyReportOperation(() => acceptBareNumber).prepare({ use }))(ctx, null, {
				address: '192.0.2.1'
			});
		expect(await applyWith(false, bare)).toMatchObject({
			status: 'applied',
			result: { revoked: true, reason: 'emergency_bare_number_refused' }
		});
		expect(await applyWith(true, bare.replace('Product: SRV', 'Product: DEV'))).toMatchObject({
			status: 'rejected',
			error: { code: 'emergency_use_malformed' }
		});
	});
});
