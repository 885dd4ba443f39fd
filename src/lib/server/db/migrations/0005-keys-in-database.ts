// The signing keys move into the database so that every node signs with the one active key: the
// private seed of a key that signs is kept there, encrypted under the key-encryption key
// (keys/key-encryption.ts); a key knows which key introduced it (FORMATS.md §6.2); retirement and
// withdrawal are dated; and `key_set` dates the published set's last change. Earlier nodes each
// made a key of their own and the last to start marked its own active: only the newest active row
// stays active here, and a partial unique index keeps it to one from now on.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
	for (const column of ['sealed_seed', 'introduced_by', 'introduction']) {
		await db.schema.alterTable('signing_keys').addColumn(column, 'text').execute();
	}
	for (const column of ['retired_at', 'withdrawn_at']) {
		await db.schema.alterTable('signing_keys').addColumn(column, 'bigint').execute();
	}
	await sql`update signing_keys set status = 'verify-only'
		where status = 'active' and kid <> (
			select kid from signing_keys where status = 'active' order by created_at desc, kid limit 1)`.execute(db);
	await sql`create unique index signing_keys_one_active on signing_keys (status) where status = 'active'`.execute(
		db
	);
	await db.schema
		.createTable('key_set')
		.addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
		.addColumn('issued_at', 'bigint', (c) => c.notNull())
		.execute();
	await sql`insert into key_set (id, issued_at) values (1, 0)`.execute(db);
}
