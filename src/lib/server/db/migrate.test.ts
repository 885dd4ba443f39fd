import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../testing/databases';
import { MigrationFailedError, migrateToLatest, migratorFor, NewerDatabaseError } from './migrate';
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

		it('a failing migration leaves the database as it was before the run, on both databases', async () => {
			opened = await openTestDatabase(kind, { migrate: false });
			const db = opened.db;
			expect((await (await migratorFor(db)).migrateTo('0003-projects')).error).toBeUndefined();
			// 0004 and 0005 would succeed; 0006 creates this table and fails.
			await sql`create table emergency_device_uses (device_id text primary key)`.execute(db);
			const attempt = migrateToLatest(db);
			await expect(attempt).rejects.toBeInstanceOf(MigrationFailedError);
			await expect(attempt).rejects.toThrow(/^Migration 0006-emergency-per-device failed: /);
			const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
				db
			);
			expect(applied.rows.map((row) => row.name)).toEqual([
				'0001-initial',
				'0002-emergency',
				'0003-projects'
			]);
			// 0004's column and 0005's table are not there: the run is one transaction.
			await expect(sql`select seats_in_use from licenses`.execute(db)).rejects.toThrow();
			await expect(sql`select id from key_set`.execute(db)).rejects.toThrow();
			// Once the cause is gone the same start-up migrates.
			await sql`drop table emergency_device_uses`.execute(db);
			expect(await migrateToLatest(db)).toEqual(
				Object.keys(migrations).filter((name) => name > '0003-projects')
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

		it('0004 counts the seats already in use, and keeps the count as seats are taken, freed, moved and removed', async () => {
			opened = await openTestDatabase(kind, { migrate: false });
			const db = opened.db;
			expect((await (await migratorFor(db)).migrateTo('0003-projects')).error).toBeUndefined();
			await sql`insert into accounts (id, email, password_hash, created_at) values ('a1', 'a@b.test', 'x', 1)`.execute(
				db
			);
			await sql`insert into products (code, name, kind, default_quantity) values ('DEV', 'Dev', 'application', 1)`.execute(
				db
			);
			for (const number of ['DEV-1111-1111-1111', 'DEV-2222-2222-2222'])
				await sql`insert into licenses (number, product_code, account_id, seats, quantity, kind, deferred_allowed,
					emergency_allowed, created_at, updated_at) values (${number}, 'DEV', 'a1', 10, 1, 'standard', 1, 1, 1, 1)`.execute(
					db
				);
			const activate = (id: string, number: string, releasedAt: number | null = null) =>
				sql`insert into activations (id, license_number, device_id, device_public_key, account_id,
					first_activated_at, last_issued_at, last_seen_at, released_at)
					values (${id}, ${number}, ${`device-${id}`}, 'k', 'a1', 1, 1, 1, ${releasedAt})`.execute(db);
			await activate('x1', 'DEV-1111-1111-1111');
			await activate('x2', 'DEV-1111-1111-1111');
			await activate('x3', 'DEV-1111-1111-1111', 5);
			await activate('x4', 'DEV-2222-2222-2222');
			const seatsInUse = async () =>
				(await db.selectFrom('licenses').select(['number', 'seats_in_use']).orderBy('number').execute()).map(
					(row) => row.seats_in_use
				);

			expect((await (await migratorFor(db)).migrateTo('0004-seats-in-use')).error).toBeUndefined();
			expect(await seatsInUse()).toEqual([2, 1]);
			await activate('x5', 'DEV-1111-1111-1111');
			expect(await seatsInUse()).toEqual([3, 1]);
			await activate('x6', 'DEV-1111-1111-1111', 7); // a released one takes no seat
			expect(await seatsInUse()).toEqual([3, 1]);
			await db.updateTable('activations').set({ released_at: 9 }).where('id', '=', 'x1').execute();
			expect(await seatsInUse()).toEqual([2, 1]);
			await db.updateTable('activations').set({ last_seen_at: 10 }).where('id', '=', 'x2').execute();
			expect(await seatsInUse()).toEqual([2, 1]);
			await db
				.updateTable('activations')
				.set({ license_number: 'DEV-2222-2222-2222' })
				.where('id', '=', 'x2')
				.execute();
			expect(await seatsInUse()).toEqual([1, 2]);
			await db.deleteFrom('activations').where('id', 'in', ['x4', 'x3']).execute();
			expect(await seatsInUse()).toEqual([1, 1]);
		});

		it('0005 keeps one active key of the several that nodes of earlier versions marked active', async () => {
			opened = await openTestDatabase(kind, { migrate: false });
			const db = opened.db;
			expect((await (await migratorFor(db)).migrateTo('0004-seats-in-use')).error).toBeUndefined();
			for (const [kid, createdAt] of [
				['aaaaaaaaaaaaaaaa', 1],
				['bbbbbbbbbbbbbbbb', 3],
				['cccccccccccccccc', 2]
			] as const)
				await sql`insert into signing_keys (kid, public_key, status, created_at)
					values (${kid}, 'k', 'active', ${createdAt})`.execute(db);
			expect(await migrateToLatest(db)).toContain('0005-keys-in-database');
			const rows = await db.selectFrom('signing_keys').select(['kid', 'status']).orderBy('kid').execute();
			expect(rows.map((row) => row.status)).toEqual(['verify-only', 'active', 'verify-only']);
			// From now on the database itself refuses a second active key.
			await expect(
				sql`update signing_keys set status = 'active' where kid = 'aaaaaaaaaaaaaaaa'`.execute(db)
			).rejects.toThrow();
			expect(await db.selectFrom('key_set').selectAll().execute()).toEqual([{ id: 1, issued_at: 0 }]);
		});
	});
}
