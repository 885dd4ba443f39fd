import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../testing/databases';
import { migrateToLatest, NewerDatabaseError } from './migrate';
import { migrations } from './migrations';

for (const kind of DATABASE_KINDS) {
	describe(`migrations [${kind}]`, () => {
		let opened: TestDatabase | undefined;
		afterEach(async () => {
			await opened?.close();
			opened = undefined;
		});

		it('migrates a fresh database, then does nothing on a second run', async () => {
			opened = await openTestDatabase(kind, { migrate: false });
			const ran = await migrateToLatest(opened.db);
			expect(ran).toEqual(Object.keys(migrations).sort());
			expect(await migrateToLatest(opened.db)).toEqual([]);
			// The schema is usable: timestamps come back as numbers on both databases.
			await opened.db
				.insertInto('accounts')
				.values({ id: 'a1', email: 'a@b.test', password_hash: 'x', created_at: 1_700_000_000_123 })
				.execute();
			const row = await opened.db.selectFrom('accounts').selectAll().executeTakeFirstOrThrow();
			expect(row.created_at).toBe(1_700_000_000_123);
		});

		it('refuses a database that holds a migration it does not know', async () => {
			opened = await openTestDatabase(kind);
			await sql`insert into kysely_migration (name, timestamp) values ('9999-from-the-future', '2099-01-01T00:00:00.000Z')`.execute(
				opened.db
			);
			const attempt = migrateToLatest(opened.db);
			await expect(attempt).rejects.toBeInstanceOf(NewerDatabaseError);
			await expect(attempt).rejects.toThrow(
				'This database was written by a newer Airlock (migration 9999-from-the-future); upgrade Airlock or point DATA_DIR/DATABASE_URL elsewhere.'
			);
		});

		it('enforces one live activation per license and device, and foreign keys', async () => {
			opened = await openTestDatabase(kind);
			const db = opened.db;
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
			const activation = {
				license_number: 'DEV-2222-2222-2222',
				device_id: 'AAAA-BBBB-CCCC',
				device_public_key: 'k',
				account_id: 'a1',
				first_activated_at: 1,
				last_issued_at: 1,
				last_seen_at: 1,
				released_at: null
			};
			await db
				.insertInto('activations')
				.values({ id: 'x1', ...activation })
				.execute();
			await expect(
				db
					.insertInto('activations')
					.values({ id: 'x2', ...activation })
					.execute()
			).rejects.toThrow();
			await db.updateTable('activations').set({ released_at: 2 }).where('id', '=', 'x1').execute();
			await db
				.insertInto('activations')
				.values({ id: 'x3', ...activation })
				.execute();
			await expect(
				db
					.insertInto('activations')
					.values({ id: 'x4', ...activation, license_number: 'DEV-3333-3333-3333' })
					.execute()
			).rejects.toThrow();
		});
	});
}
