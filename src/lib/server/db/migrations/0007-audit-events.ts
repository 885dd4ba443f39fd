// The audit log: one row per event that changed who may use what (activations, emergency uses and
// their revocations, seat releases, key changes, account changes, lockouts). Rows are only ever
// added, and removed by housekeeping once older than the retention: a trigger refuses any update, so
// no statement of the application (or a mistaken one typed by hand) rewrites history.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
	await db.schema
		.createTable('audit_events')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('at', 'bigint', (c) => c.notNull())
		.addColumn('kind', 'text', (c) => c.notNull())
		.addColumn('actor', 'text', (c) => c.notNull())
		.addColumn('account_id', 'text')
		.addColumn('account_email', 'text')
		.addColumn('license_number', 'text')
		.addColumn('device_id', 'text')
		.addColumn('client_address', 'text')
		.addColumn('node', 'text', (c) => c.notNull())
		.addColumn('detail', 'text', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('audit_events_at').on('audit_events').columns(['at', 'id']).execute();
	await db.schema
		.createIndex('audit_events_license')
		.on('audit_events')
		.columns(['license_number', 'at'])
		.execute();
	await db.schema
		.createIndex('audit_events_account')
		.on('audit_events')
		.columns(['account_id', 'at'])
		.execute();
	if (db.getExecutor().adapter instanceof PostgresAdapter) {
		await sql`create function audit_events_append_only() returns trigger language plpgsql as $$
			begin raise exception 'audit events are append-only'; end $$`.execute(db);
		await sql`create trigger audit_events_append_only before update on audit_events
			for each row execute function audit_events_append_only()`.execute(db);
	} else {
		await sql`create trigger audit_events_append_only before update on audit_events
			begin select raise(abort, 'audit events are append-only'); end`.execute(db);
	}
}
