import { beforeAll, expect, it } from 'vitest';
import { signerFromKeyPair } from '$lib/protocol/ed25519';
import { generateKeyPair } from '$lib/protocol/ed25519-tweetnacl';
import { createRegistrationRequest, formatRegFile } from '$lib/protocol/reg-file';
import { describeEachDatabase } from '../testing/databases';
import { ensureCatalogue } from '../services/catalogue.service';
import { newAccount, newLicense, NOW, vendor } from '../emergency/testing';
import { applySyncBatch } from './sync.service';

async function queuedActivation(id: string, licenseNumber: string, email: string) {
	const request = await createRegistrationRequest({
		purpose: 'activate',
		licenseNumbers: [licenseNumber],
		email,
		signer: signerFromKeyPair(generateKeyPair()),
		now: NOW
	});
	return {
		id,
		type: 'instant-activation',
		payload: { request: formatRegFile(request, 'https://activation.example.com/portal') }
	};
}

describeEachDatabase('sync: a run of queued Instant Activations', (getDb) => {
	beforeAll(async () => {
		await ensureCatalogue(getDb());
	});

	it('applies them in queue order: the first of 8 devices for 3 seats get them, whatever order their signatures are checked in', async () => {
		const db = getDb();
		const account = await newAccount(db);
		const { license } = await newLicense(db, account.email, { seats: 3 });
		const operations = await Promise.all(
			Array.from({ length: 8 }, (_, i) => queuedActivation(`op-${i}`, license.number, account.email))
		);
		const results = await applySyncBatch(
			{ db, signer: vendor, now: NOW },
			[
				...operations.slice(0, 4),
				{ id: 'op-damaged', type: 'instant-activation', payload: { request: 'not a reg.txt' } },
				...operations.slice(4)
			],
			{ id: account.id, email: account.email }
		);
		expect(results.map((result) => [result.id, result.status, result.error?.code])).toEqual([
			['op-0', 'applied', undefined],
			['op-1', 'applied', undefined],
			['op-2', 'applied', undefined],
			['op-3', 'rejected', 'no_free_seat'],
			['op-damaged', 'rejected', expect.any(String)],
			['op-4', 'rejected', 'no_free_seat'],
			['op-5', 'rejected', 'no_free_seat'],
			['op-6', 'rejected', 'no_free_seat'],
			['op-7', 'rejected', 'no_free_seat']
		]);
	});
});
