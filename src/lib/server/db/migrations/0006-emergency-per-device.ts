// Emergency Activation is once per device as well as once per license: the License Manager keeps
// the device's one use locally, and the server keeps it too, so a device whose local mark was
// deleted cannot have a second use accepted. The device id is the key; the use it kept is the
// earliest it reported (rows before this migration: the earliest per device).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
	await db.schema
		.createTable('emergency_device_uses')
		.addColumn('device_id', 'text', (c) => c.primaryKey())
		.addColumn('license_number', 'text', (c) => c.notNull())
		.addColumn('used_at', 'bigint', (c) => c.notNull())
		.execute();
	await sql`insert into emergency_device_uses (device_id, license_number, used_at)
		select e.device_id, e.license_number, e.used_at from emergency_uses e
		where not exists (
			select 1 from emergency_uses o where o.device_id = e.device_id
				and (o.used_at < e.used_at or (o.used_at = e.used_at and o.license_number < e.license_number)))`.execute(db);
}
