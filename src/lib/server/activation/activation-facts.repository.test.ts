import { expect, it } from 'vitest';
import type { AuditEventRow, Db } from '../db/schema';
import { describeEachDatabase } from '../testing/databases';
import { insertAccount } from '../accounts/accounts.repository';
import {
	attachExpansion,
	bumpRevision,
	findLicense,
	insertLicense,
	insertProduct,
	type NewLicenseFields
} from '../catalogue/licenses.repository';
import {
	insertActivation,
	listActivationsOfLicense,
	recordActivation,
	releaseActivation,
	type DecidedSeat
} from './activations.repository';
import { readActivationFacts, readSeatFacts } from './activation-facts.repository';
import { storeAnswer } from './requests.repository';

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
		seats: 1,
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

function activationRow(number: string, accountId: string, deviceId: string) {
	return {
		id: crypto.randomUUID(),
		license_number: number,
		device_id: deviceId,
		device_public_key: 'key',
		account_id: accountId,
		first_activated_at: 20,
		last_issued_at: 20,
		last_seen_at: 20
	};
}

describeEachDatabase('activation facts', (getDb, kind) => {
	it('reads the license, its expansions and the device’s seat; PostgreSQL’s one statement reads the same', async () => {
		const db = getDb();
		await ensureProducts(db);
		const account = await newAccount(db);
		const license = await insertLicense(db, fields(account, { seats: 3 }));
		const expansion = await insertLicense(db, fields(account, { product_code: 'CLX', quantity: 10 }));
		await attachExpansion(db, expansion.number, license.number, 30);
		await insertActivation(db, activationRow(license.number, account, 'device-1'));

		const facts = await readSeatFacts(db, 'device-1', [license.number, 'SRV-NOT-THERE']);
		expect([...facts.keys()]).toEqual([license.number]);
		const seat = facts.get(license.number)!;
		expect(seat.held).not.toBeNull();
		expect(seat.entry.license.seats_in_use).toBe(1);
		expect(seat.entry.product.name).toBe('Server');
		expect(seat.entry.expansions.map((entry) => entry.license.number)).toEqual([expansion.number]);
		expect((await readSeatFacts(db, 'device-2', [license.number])).get(license.number)!.held).toBeNull();

		if (kind !== 'postgres') return;
		await storeAnswer(db, {
			device_id: 'device-1',
			nonce: 'nonce-1',
			digest: 'd',
			account_id: account,
			response: '{}',
			created_at: 20
		});
		const read = await readActivationFacts(db, 'device-1', 'nonce-1', [license.number, 'SRV-NOT-THERE']);
		expect(read.answer).toEqual({ digest: 'd', account_id: account, response: '{}' });
		expect(read.seats).toEqual(facts);
		expect((await readActivationFacts(db, 'device-1', 'nonce-2', [])).answer).toBeUndefined();
	});

	it.skipIf(kind !== 'postgres')(
		'PostgreSQL’s record_activation writes a decision whose facts still hold, and nothing when they changed',
		async () => {
			const db = getDb();
			await ensureProducts(db);
			const account = await newAccount(db);
			const license = await insertLicense(db, fields(account, { seats: 1 }));
			let nonce = 0;
			const attempt = (seat: Partial<DecidedSeat>, deviceId = 'device-a', sameNonceAs?: number) => {
				const request = {
					device_id: deviceId,
					nonce: `nonce-${sameNonceAs ?? ++nonce}`,
					digest: 'd',
					account_id: account,
					response: '{"licenses":[]}',
					created_at: 50
				};
				const audit: AuditEventRow = {
					id: `event-${nonce}`,
					at: 50,
					kind: 'activation',
					actor: 'customer',
					account_id: account,
					account_email: null,
					license_number: license.number,
					device_id: deviceId,
					client_address: null,
					node: 'test',
					detail: '{}'
				};
				return recordActivation(db, {
					request,
					seats: [
						{
							number: license.number,
							account_id: account,
							revision: license.revision,
							held: null,
							activation_id: crypto.randomUUID(),
							device_public_key: 'key',
							...seat
						}
					],
					audit: [audit]
				});
			};
			const live = async () =>
				(await listActivationsOfLicense(db, license.number)).map((row) => row.device_id);
			const stored = async () =>
				Number(
					(
						await db
							.selectFrom('requests')
							.select((eb) => eb.fn.countAll<number>().as('count'))
							.where('account_id', '=', account)
							.executeTakeFirstOrThrow()
					).count
				);

			// Another revision than the one decided on (the license changed meanwhile): nothing written.
			expect(await attempt({ revision: license.revision + 1 })).toBe('stale');
			// Another owner.
			expect(await attempt({ account_id: await newAccount(db) })).toBe('stale');
			expect(await live()).toEqual([]);
			expect(await stored()).toBe(0);

			// Facts that hold: the seat, the stored answer and the audit event, together.
			expect(await attempt({})).toBe('written');
			expect(await live()).toEqual(['device-a']);
			expect((await findLicense(db, license.number))!.seats_in_use).toBe(1);
			expect(await stored()).toBe(1);

			// The one seat is taken now: another device's decision to take it is stale.
			expect(await attempt({}, 'device-b')).toBe('stale');
			// So is the same device taking a second seat (it holds one already).
			expect(await attempt({})).toBe('stale');
			// A copy of an answered request: its stored answer collides, nothing else is written.
			const held = (await listActivationsOfLicense(db, license.number))[0]!.id;
			expect(await attempt({ held }, 'device-a', 3)).toBe('answered');

			// Renewing the held seat holds; once it is released, renewing it is stale.
			expect(await attempt({ held })).toBe('written');
			await releaseActivation(db, held, 60);
			expect(await attempt({ held })).toBe('stale');
			await bumpRevision(db, license.number, 70);
			expect(await attempt({ held: null })).toBe('stale');
			expect(await live()).toEqual([]);
			expect(await stored()).toBe(2);
			const events = await db
				.selectFrom('audit_events')
				.select('id')
				.where('account_id', '=', account)
				.orderBy('id')
				.execute();
			expect(events.map((event) => event.id)).toEqual(['event-3', 'event-6']);
		}
	);
});
