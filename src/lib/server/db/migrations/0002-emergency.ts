// Emergency Activation: the codes the server issues, and fuller emergency-use records.
//
// emergency_uses is rebuilt without its foreign key to licenses: a device may report a bare license
// number the server does not know (the vendor decides, with EMERGENCY_ACCEPT_BARE_NUMBER, whether
// such a use is accepted), and the one-use rule must hold for it too. The new columns are nullable
// because rows written before this migration do not have them.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
	await db.schema
		.createTable('emergency_uses_v2')
		.addColumn('license_number', 'text', (c) => c.notNull())
		.addColumn('device_id', 'text', (c) => c.notNull())
		.addColumn('used_at', 'bigint', (c) => c.notNull())
		.addColumn('reported_at', 'bigint')
		.addColumn('device_public_key', 'text')
		.addColumn('basis', 'text', (c) => c.check(sql`basis in ('code', 'bare-number')`))
		.addColumn('code_id', 'text')
		.addColumn('ends_at', 'bigint')
		/** The signed report as the device sent it: evidence, should the use be disputed. */
		.addColumn('report', 'text')
		.addPrimaryKeyConstraint('emergency_uses_v2_pk', ['license_number'])
		.execute();
	await sql`insert into emergency_uses_v2 (license_number, device_id, used_at, reported_at)
		select license_number, device_id, used_at, reported_at from emergency_uses`.execute(db);
	await db.schema.dropTable('emergency_uses').execute();
	await db.schema.alterTable('emergency_uses_v2').renameTo('emergency_uses').execute();

	await db.schema
		.createTable('emergency_codes')
		.addColumn('license_number', 'text', (c) => c.primaryKey().references('licenses.number'))
		.addColumn('code_id', 'text', (c) => c.notNull().unique())
		/** The compact text (AIRLOCK-EC1:…): handed out again, unchanged, on every request. */
		.addColumn('code', 'text', (c) => c.notNull())
		.addColumn('kid', 'text', (c) => c.notNull())
		.addColumn('issued_at', 'bigint', (c) => c.notNull())
		.execute();
}
