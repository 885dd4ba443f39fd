// Migration 0002 rebuilds emergency_uses: rows written before it survive, and a number the server
// does not hold can now be recorded (a bare-number emergency use).
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../testing/databases';
import { migrateToLatest, migratorFor } from '../db/migrate';

for (const kind of DATABASE_KINDS) {
	describe(`migration 0002-emergency [${kind}]`, () => {
		let opened: TestDatabase | undefined;
		afterEach(async () => {
			await opened?.close();
			opened = undefined;
		});

		it('keeps the emergency uses recorded before it and drops the link to licenses', async () => {
			opened = await openTestDatabase(kind, { migrate: false });
			const db = opened.db;
			const migrator = await migratorFor(db);
			expect((await migrator.migrateTo('0001-initial')).error).toBeUndefined();
			await db
				.insertInto('accounts')
				.values({ id: 'a1', email: 'a@b.test', password_hash: 'x', created_at: 1 })
				.execute();
			await db
				.insertInto('products')
				.values({ code: 'DEV', name: 'Dev', kind: 'application', default_quantity: 1 })
				.execute();
			await db
				.insertInto('licenses')
				.values({
					number: 'DEV-2222-2222-2222',
					product_code: 'DEV',
					account_id: 'a1',
					seats: 1,
					quantity: 1,
					kind: 'standard',
					expires_at: null,
					renewal_days: null,
					deferred_allowed: 1,
					emergency_allowed: 1,
					parent_number: null,
					created_at: 1,
					updated_at: 1
				})
				.execute();
			await sql`insert into emergency_uses (license_number, device_id, used_at, reported_at)
				values ('DEV-2222-2222-2222', 'AAAA-BBBB-CCCC', 1700000000123, null)`.execute(db);

			expect(await migrateToLatest(db)).toContain('0002-emergency');
			expect(await db.selectFrom('emergency_uses').selectAll().execute()).toEqual([
				{
					license_number: 'DEV-2222-2222-2222',
					device_id: 'AAAA-BBBB-CCCC',
					used_at: 1_700_000_000_123,
					reported_at: null,
					device_public_key: null,
					basis: null,
					code_id: null,
					ends_at: null,
					report: null
				}
			]);
			await db
				.insertInto('emergency_uses')
				.values({
					license_number: 'DEV-3333-3333-3333',
					device_id: 'D',
					used_at: 2,
					reported_at: 3,
					basis: 'bare-number'
				})
				.execute();
			await expect(
				db
					.insertInto('emergency_uses')
					.values({ license_number: 'DEV-3333-3333-3333', device_id: 'E', used_at: 2, reported_at: 3 })
					.execute()
			).rejects.toThrow();
			// Codes still belong to a license that exists.
			await expect(
				db
					.insertInto('emergency_codes')
					.values({ license_number: 'DEV-3333-3333-3333', code_id: 'c', code: 'x', kid: 'k', issued_at: 1 })
					.execute()
			).rejects.toThrow();
		});

		it('0006 keeps each device’s earliest use as its one use', async () => {
			opened = await openTestDatabase(kind, { migrate: false });
			const db = opened.db;
			expect((await (await migratorFor(db)).migrateTo('0005-keys-in-database')).error).toBeUndefined();
			await db
				.insertInto('emergency_uses')
				.values([
					{ license_number: 'DEV-4444-4444-4444', device_id: 'TWICE', used_at: 20, reported_at: 21 },
					{ license_number: 'DEV-5555-5555-5555', device_id: 'TWICE', used_at: 10, reported_at: 22 },
					{ license_number: 'DEV-6666-6666-6666', device_id: 'ONCE', used_at: 30, reported_at: 31 }
				])
				.execute();
			expect(await migrateToLatest(db)).toContain('0006-emergency-per-device');
			expect(await db.selectFrom('emergency_device_uses').selectAll().orderBy('device_id').execute()).toEqual(
				[
					{ device_id: 'ONCE', license_number: 'DEV-6666-6666-6666', used_at: 30 },
					{ device_id: 'TWICE', license_number: 'DEV-5555-5555-5555', used_at: 10 }
				]
			);
		});
	});
}
