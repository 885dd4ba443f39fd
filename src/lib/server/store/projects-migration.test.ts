// Migration 0003 adds the store's tables and a release reason: activations written before it keep
// their rows, released or not, and read back with no reason.
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../testing/databases';
import { migrateToLatest, migratorFor } from '../db/migrate';

for (const kind of DATABASE_KINDS) {
	describe(`migration 0003-projects [${kind}]`, () => {
		let opened: TestDatabase | undefined;
		afterEach(async () => {
			await opened?.close();
			opened = undefined;
		});

		it('keeps the activations made before it, and the store tables start empty', async () => {
			opened = await openTestDatabase(kind, { migrate: false });
			const db = opened.db;
			const migrator = await migratorFor(db);
			expect((await migrator.migrateTo('0002-emergency')).error).toBeUndefined();
			await sql`insert into accounts (id, email, password_hash, created_at) values ('a1', 'a@b.test', 'x', 1)`.execute(
				db
			);
			await sql`insert into products (code, name, kind, default_quantity) values ('DEV', 'Dev', 'application', 1)`.execute(
				db
			);
			await sql`insert into licenses (number, product_code, account_id, seats, quantity, kind, deferred_allowed, emergency_allowed, revision, created_at, updated_at)
				values ('DEV-2222-2222-2222', 'DEV', 'a1', 2, 1, 'standard', 1, 1, 1, 1, 1)`.execute(db);
			for (const [id, released] of [
				['live', null],
				['gone', 5]
			] as const) {
				await sql`insert into activations (id, license_number, device_id, device_public_key, account_id, first_activated_at, last_issued_at, last_seen_at, released_at)
					values (${id}, 'DEV-2222-2222-2222', ${`DEVICE-${id}`}, 'k', 'a1', 1, 1, 1, ${released})`.execute(db);
			}

			expect(await migrateToLatest(db)).toContain('0003-projects');
			const rows = await db
				.selectFrom('activations')
				.select(['id', 'released_at', 'release_reason'])
				.orderBy('id')
				.execute();
			expect(rows).toEqual([
				{ id: 'gone', released_at: 5, release_reason: null },
				{ id: 'live', released_at: null, release_reason: null }
			]);
			expect(await db.selectFrom('projects').selectAll().execute()).toEqual([]);
			expect(await db.selectFrom('license_links').selectAll().execute()).toEqual([]);
		});
	});
}
