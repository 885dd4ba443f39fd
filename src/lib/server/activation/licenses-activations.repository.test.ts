import { expect, it } from 'vitest';
import { LICENSE_NUMBER_PATTERN, parseLicenseNumber } from '$lib/protocol/license-number';
import type { Db } from '../db/schema';
import { describeEachDatabase } from '../testing/databases';
import { insertAccount } from '../accounts/accounts.repository';
import {
	countActiveSeats,
	findActiveActivation,
	insertActivation,
	listActivationsOfLicense,
	listActiveActivationsOfDevice,
	releaseActivation,
	touchActivation
} from './activations.repository';
import {
	attachExpansion,
	bumpRevision,
	findLicense,
	findLicenseEntry,
	findProduct,
	getLicenseWithExpansions,
	insertLicense,
	insertProduct,
	LicenseNumberExhaustedError,
	listLicensesByAccount,
	listProducts,
	type NewLicenseFields
} from '../catalogue/licenses.repository';
import { insertActivation as claimSeat } from './activations.repository';

let sequence = 0;

async function newAccount(db: Db): Promise<string> {
	const id = `acc-${++sequence}-${crypto.randomUUID()}`;
	await insertAccount(db, { id, email: `${id}@example.test`, password_hash: 'h', created_at: 1 });
	return id;
}

async function ensureProducts(db: Db): Promise<void> {
	await insertProduct(db, { code: 'SRV', name: 'Server', kind: 'application', default_quantity: 1 });
	await insertProduct(db, { code: 'CLX', name: 'Connections', kind: 'expansion', default_quantity: 10 });
}

function fields(accountId: string, overrides: Partial<NewLicenseFields> = {}): NewLicenseFields {
	return {
		product_code: 'SRV',
		account_id: accountId,
		seats: 2,
		quantity: 1,
		kind: 'standard',
		expires_at: null,
		renewal_days: null,
		deferred_allowed: 1,
		emergency_allowed: 1,
		parent_number: null,
		created_at: 10,
		updated_at: 10,
		...overrides
	};
}

describeEachDatabase('licenses and activations', (getDb, kind, getTestDatabase) => {
	it('keeps products, ignoring a second insert of the same code', async () => {
		const db = getDb();
		await ensureProducts(db);
		expect(
			await insertProduct(db, { code: 'SRV', name: 'Other', kind: 'expansion', default_quantity: 3 })
		).toBe(false);
		expect(await findProduct(db, 'SRV')).toEqual({
			code: 'SRV',
			name: 'Server',
			kind: 'application',
			default_quantity: 1
		});
		expect((await listProducts(db)).map((product) => product.code)).toEqual(['CLX', 'SRV']);
	});

	it('creates licenses under valid generated numbers, retrying on a collision', async () => {
		const db = getDb();
		await ensureProducts(db);
		const accountId = await newAccount(db);
		const license = await insertLicense(db, fields(accountId));
		expect(license.number).toMatch(LICENSE_NUMBER_PATTERN);
		expect(parseLicenseNumber(license.number)).toMatchObject({ ok: true, productPrefix: 'SRV' });
		expect(license.revision).toBe(1);
		expect(license.expires_at).toBeNull();

		const taken = license.number;
		const fresh = 'SRV-2222-2222-2222';
		const numbers = [taken, taken, fresh];
		const retried = await insertLicense(db, fields(accountId), () => numbers.shift()!);
		expect(retried.number).toBe(fresh);
		await expect(insertLicense(db, fields(accountId), () => taken)).rejects.toBeInstanceOf(
			LicenseNumberExhaustedError
		);
	});

	it('attaches expansions and bumps the parent revision', async () => {
		const db = getDb();
		await ensureProducts(db);
		const accountId = await newAccount(db);
		const parent = await insertLicense(db, fields(accountId, { expires_at: 1_900_000_000_000 }));
		const expansion = await insertLicense(
			db,
			fields(accountId, { product_code: 'CLX', quantity: 10, created_at: 11 })
		);
		await attachExpansion(db, expansion.number, parent.number, 20);
		const loaded = await getLicenseWithExpansions(db, parent.number);
		expect(loaded?.license).toMatchObject({
			number: parent.number,
			revision: 2,
			updated_at: 20,
			expires_at: 1_900_000_000_000
		});
		expect(loaded?.product.name).toBe('Server');
		expect(loaded?.expansions.map((e) => [e.license.number, e.product.code, e.license.quantity])).toEqual([
			[expansion.number, 'CLX', 10]
		]);
		expect(await bumpRevision(db, parent.number, 30)).toBe(3);
		expect(await bumpRevision(db, 'SRV-ZZZZ-ZZZZ-ZZZZ', 30)).toBeUndefined();
		expect((await listLicensesByAccount(db, accountId)).map((l) => l.number)).toEqual([
			parent.number,
			expansion.number
		]);
		expect(await getLicenseWithExpansions(db, 'SRV-ZZZZ-ZZZZ-ZZZZ')).toBeUndefined();
	});

	it('tracks activations: find, count, touch, release, history', async () => {
		const db = getDb();
		await ensureProducts(db);
		const accountId = await newAccount(db);
		const { number } = await insertLicense(db, fields(accountId));
		const base = {
			license_number: number,
			device_public_key: 'pk',
			account_id: accountId,
			released_at: null
		};
		const at = { first_activated_at: 100, last_issued_at: 100, last_seen_at: 100 };
		await insertActivation(db, { id: `${number}-a`, device_id: 'AAAA-AAAA-AAAA', ...base, ...at });
		await insertActivation(db, {
			id: `${number}-b`,
			device_id: 'BBBB-BBBB-BBBB',
			...base,
			...at,
			first_activated_at: 101
		});
		expect(await countActiveSeats(db, number)).toBe(2);
		await touchActivation(db, `${number}-a`, { lastSeenAt: 150 });
		await touchActivation(db, `${number}-a`, { lastSeenAt: 160, lastIssuedAt: 160 });
		expect(await findActiveActivation(db, number, 'AAAA-AAAA-AAAA')).toMatchObject({
			last_seen_at: 160,
			last_issued_at: 160
		});
		expect(await releaseActivation(db, `${number}-a`, 200)).toBe(true);
		expect(await releaseActivation(db, `${number}-a`, 201)).toBe(false);
		expect(await findActiveActivation(db, number, 'AAAA-AAAA-AAAA')).toBeUndefined();
		expect(await countActiveSeats(db, number)).toBe(1);
		expect((await listActivationsOfLicense(db, number)).map((a) => a.device_id)).toEqual(['BBBB-BBBB-BBBB']);
		expect(await listActivationsOfLicense(db, number, { includeReleased: true })).toHaveLength(2);
		expect(
			(await listActiveActivationsOfDevice(db, 'BBBB-BBBB-BBBB')).map((a) => a.license_number)
		).toContain(number);
	});

	it('never gives more seats than the license has to concurrent claims', async () => {
		const db = getDb();
		await ensureProducts(db);
		const accountId = await newAccount(db);
		const { number } = await insertLicense(db, fields(accountId, { seats: 2 }));
		// PostgreSQL: two pools play two app nodes. SQLite is one process with one connection.
		const nodes = kind === 'postgres' ? [db, getTestDatabase().reopen()] : [db];
		const claim = (node: Db, deviceId: string) =>
			node.transaction().execute(async (trx) => {
				const entry = await findLicenseEntry(trx, number, { lock: true });
				if (!entry) throw new Error('license vanished');
				const used = entry.license.seats_in_use;
				// Give the other transaction every chance to interleave between the count and the insert.
				await new Promise((resolve) => setTimeout(resolve, 5));
				if (used >= entry.license.seats) return 'full';
				await claimSeat(trx, {
					id: `${number}-${deviceId}`,
					license_number: number,
					device_id: deviceId,
					device_public_key: 'pk',
					account_id: accountId,
					first_activated_at: 1,
					last_issued_at: 1,
					last_seen_at: 1
				});
				return 'claimed';
			});
		const results = await Promise.all(
			Array.from({ length: 6 }, (_, i) => claim(nodes[i % nodes.length]!, `DEV${i}-XXXX-XXXX`))
		);
		expect(results.filter((result) => result === 'claimed')).toHaveLength(2);
		expect(await countActiveSeats(db, number)).toBe(2);
		expect(await findLicenseEntry(db, 'SRV-ZZZZ-ZZZZ-ZZZZ', { lock: true })).toBeUndefined();
		expect((await findLicense(db, number))?.seats).toBe(2);
	});
});
