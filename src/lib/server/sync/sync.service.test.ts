import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/databases';
import { ensureCatalogue } from '../catalogue/catalogue.service';
import { newAccount, newLicense, NOW, queuedActivation, vendor } from '../emergency/testing';
import type { SyncOperation } from '$lib/protocol/api';
import {
	operationPayloadHash,
	sealAuthorization,
	SEALED_AUTHORIZATION_TTL_MS
} from '$lib/protocol/sealed-authorization';
import { countActiveSeats } from '../activation/activations.repository';
import { sealKeyPair } from '../keys/seal-key';
import { applySyncBatch } from './sync.service';

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

describeEachDatabase(
	'sync: operations with a sealed authorization, and operations of another account',
	(getDb) => {
		beforeAll(async () => {
			await ensureCatalogue(getDb());
		});

		async function sealedActivation(
			email: string,
			licenseNumber: string,
			options: { id?: string; password?: string; expiresAt?: number; sealedId?: string } = {}
		) {
			const operation = await queuedActivation(
				options.id ?? `op-${crypto.randomUUID()}`,
				licenseNumber,
				email
			);
			const authorization = sealAuthorization(
				{
					email,
					password: options.password ?? 'correct horse',
					operationId: options.sealedId ?? operation.id,
					type: operation.type,
					payloadHash: operationPayloadHash(operation.payload),
					expiresAt: options.expiresAt ?? NOW + SEALED_AUTHORIZATION_TTL_MS
				},
				await sealKeyPair(vendor)
			);
			return { ...operation, account: email, authorization };
		}

		const sync = (operations: SyncOperation[], session: { id: string; email: string } | null = null) =>
			applySyncBatch({ db: getDb(), signer: vendor, now: NOW }, operations, session, {
				address: '192.0.2.7'
			});

		it('applies a sealed activation with no session, once: sent again, it answers the same and takes no second seat', async () => {
			const db = getDb();
			const account = await newAccount(db);
			const { license } = await newLicense(db, account.email, { seats: 2 });
			const operation = await sealedActivation(account.email, license.number);
			const [first] = await sync([operation]);
			expect(first).toMatchObject({ status: 'applied' });
			const [again] = await sync([operation]);
			expect(again).toMatchObject({ status: 'applied', result: first!.result });
			expect(await countActiveSeats(db, license.number)).toBe(1);
		});

		it('refuses one used for another operation, another payload (another device), a wrong password, or after its expiry; no seat is taken', async () => {
			const db = getDb();
			const account = await newAccount(db);
			const { license } = await newLicense(db, account.email, { seats: 5 });
			const good = await sealedActivation(account.email, license.number);
			const otherDevice = await queuedActivation(good.id, license.number, account.email);
			const results = await sync([
				// The same sealed text moved to another operation id, and to another device's request.
				{
					...(await queuedActivation('op-moved-0001', license.number, account.email)),
					authorization: good.authorization
				},
				{ ...otherDevice, authorization: good.authorization },
				await sealedActivation(account.email, license.number, { sealedId: 'op-someone-else' }),
				await sealedActivation(account.email, license.number, { password: 'wrong password' }),
				await sealedActivation(account.email, license.number, { expiresAt: NOW - 1 }),
				{ ...good, authorization: `${good.authorization!.slice(0, -4)}AAAA` }
			]);
			expect(results.map((result) => [result.status, result.error?.code])).toEqual([
				['rejected', 'authorization_mismatch'],
				['rejected', 'authorization_mismatch'],
				['rejected', 'authorization_mismatch'],
				['rejected', 'invalid_credentials'],
				['needs-sign-in', 'authorization_expired'],
				['needs-sign-in', 'authorization_malformed']
			]);
			expect(await countActiveSeats(db, license.number)).toBe(0);
		});

		it('never applies an operation under the session of another account than the one it names', async () => {
			const db = getDb();
			const owner = await newAccount(db);
			const other = await newAccount(db);
			const { license } = await newLicense(db, owner.email, { seats: 2 });
			// Named as the user typed it: the same account whatever the case.
			const operation = {
				...(await queuedActivation('op-owned-0001', license.number, owner.email)),
				account: owner.email.toUpperCase()
			};
			const [underOther] = await sync([operation], other);
			expect(underOther).toMatchObject({ status: 'needs-sign-in', error: { code: 'other_account' } });
			expect(underOther!.error!.message).toContain(owner.email.toUpperCase());
			expect(await countActiveSeats(db, license.number)).toBe(0);
			expect(await sync([operation], owner)).toMatchObject([{ status: 'applied' }]);
		});
	}
);
