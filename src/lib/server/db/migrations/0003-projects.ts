// The store's projects: projects of an account, each license's link to one, the edits of one device
// that lost to another's (kept to tell that device), and why a seat was released.
//
// Every field that two devices can edit offline carries its hybrid-logical-clock stamp, as text that
// sorts like the stamp (see $lib/protocol/store.ts): the merge rule compares them.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
	await db.schema
		.createTable('projects')
		.addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
		// Made by the device that created the project, so an offline device can link to it at once.
		.addColumn('id', 'text', (c) => c.notNull())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('name_stamp', 'text', (c) => c.notNull())
		/** Set once: a deleted project stays as a tombstone, so a late edit cannot bring it back. */
		.addColumn('deleted_stamp', 'text')
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('updated_at', 'bigint', (c) => c.notNull())
		.addPrimaryKeyConstraint('projects_pk', ['account_id', 'id'])
		.execute();

	await db.schema
		.createTable('license_links')
		.addColumn('license_number', 'text', (c) => c.primaryKey().references('licenses.number'))
		.addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
		/** Null: unlinked (the unlink has a stamp too). */
		.addColumn('project_id', 'text')
		.addColumn('stamp', 'text', (c) => c.notNull())
		.addColumn('updated_at', 'bigint', (c) => c.notNull())
		.execute();
	await db.schema
		.createIndex('license_links_project')
		.on('license_links')
		.columns(['account_id', 'project_id'])
		.execute();

	await db.schema
		.createTable('store_conflicts')
		.addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
		/** The lost edit's key (kind, target, stamp): the same loss is kept once. */
		.addColumn('key', 'text', (c) => c.notNull())
		/** The device that made the lost edit, which is the one to tell. */
		.addColumn('device_id', 'text', (c) => c.notNull())
		.addColumn('report', 'text', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addPrimaryKeyConstraint('store_conflicts_pk', ['account_id', 'key'])
		.execute();
	await db.schema
		.createIndex('store_conflicts_created')
		.on('store_conflicts')
		.columns(['account_id', 'created_at'])
		.execute();

	await db.schema.alterTable('activations').addColumn('release_reason', 'text').execute();
}
