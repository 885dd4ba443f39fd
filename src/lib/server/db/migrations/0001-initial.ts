// The first schema. Migrations are append-only: never edit one that has shipped, add the next file.
// Only types both databases accept: text, integer, bigint (epoch ms; SQLite gives it integer affinity).
import { sql, type Kysely } from 'kysely';

// Migrations see the database as it was when they were written, not today's typed schema.
export async function up(db: Kysely<unknown>): Promise<void> {
	await db.schema
		.createTable('accounts')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('email', 'text', (c) => c.notNull().unique())
		.addColumn('password_hash', 'text', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.execute();

	await db.schema
		.createTable('sessions')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('expires_at', 'bigint', (c) => c.notNull())
		.addColumn('last_used_at', 'bigint', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('sessions_account').on('sessions').column('account_id').execute();
	await db.schema.createIndex('sessions_expires').on('sessions').column('expires_at').execute();

	await db.schema
		.createTable('rate_limits')
		.addColumn('key', 'text', (c) => c.primaryKey())
		.addColumn('window_start', 'bigint', (c) => c.notNull())
		.addColumn('count', 'integer', (c) => c.notNull())
		.execute();

	await db.schema
		.createTable('products')
		.addColumn('code', 'text', (c) => c.primaryKey())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('application', 'expansion')`))
		.addColumn('default_quantity', 'integer', (c) => c.notNull())
		.execute();

	await db.schema
		.createTable('licenses')
		.addColumn('number', 'text', (c) => c.primaryKey())
		.addColumn('product_code', 'text', (c) => c.notNull().references('products.code'))
		.addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
		.addColumn('seats', 'integer', (c) => c.notNull().check(sql`seats >= 0`))
		.addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity >= 0`))
		.addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('standard', 'temporary')`))
		.addColumn('expires_at', 'bigint')
		.addColumn('renewal_days', 'integer')
		.addColumn('deferred_allowed', 'integer', (c) => c.notNull().check(sql`deferred_allowed in (0, 1)`))
		.addColumn('emergency_allowed', 'integer', (c) => c.notNull().check(sql`emergency_allowed in (0, 1)`))
		.addColumn('parent_number', 'text', (c) => c.references('licenses.number'))
		.addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1))
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('updated_at', 'bigint', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('licenses_account').on('licenses').column('account_id').execute();
	await db.schema.createIndex('licenses_parent').on('licenses').column('parent_number').execute();

	await db.schema
		.createTable('activations')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('license_number', 'text', (c) => c.notNull().references('licenses.number'))
		.addColumn('device_id', 'text', (c) => c.notNull())
		.addColumn('device_public_key', 'text', (c) => c.notNull())
		.addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
		.addColumn('first_activated_at', 'bigint', (c) => c.notNull())
		.addColumn('last_issued_at', 'bigint', (c) => c.notNull())
		.addColumn('last_seen_at', 'bigint', (c) => c.notNull())
		.addColumn('released_at', 'bigint')
		.execute();
	// One live activation per (license, device); released ones stay as history.
	await db.schema
		.createIndex('activations_active_device')
		.on('activations')
		.columns(['license_number', 'device_id'])
		.unique()
		.where(sql.ref('released_at'), 'is', null)
		.execute();
	await db.schema.createIndex('activations_device').on('activations').column('device_id').execute();

	await db.schema
		.createTable('requests')
		.addColumn('device_id', 'text', (c) => c.notNull())
		.addColumn('nonce', 'text', (c) => c.notNull())
		.addColumn('digest', 'text', (c) => c.notNull())
		.addColumn('account_id', 'text', (c) => c.references('accounts.id').onDelete('set null'))
		.addColumn('response', 'text', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addPrimaryKeyConstraint('requests_pk', ['device_id', 'nonce'])
		.execute();
	await db.schema.createIndex('requests_created').on('requests').column('created_at').execute();

	await db.schema
		.createTable('signing_keys')
		.addColumn('kid', 'text', (c) => c.primaryKey())
		.addColumn('public_key', 'text', (c) => c.notNull())
		.addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'verify-only')`))
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.execute();

	await db.schema
		.createTable('emergency_uses')
		.addColumn('license_number', 'text', (c) => c.primaryKey().references('licenses.number'))
		.addColumn('device_id', 'text', (c) => c.notNull())
		.addColumn('used_at', 'bigint', (c) => c.notNull())
		.addColumn('reported_at', 'bigint')
		.execute();

	await db.schema
		.createTable('sync_operations')
		.addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
		.addColumn('op_id', 'text', (c) => c.notNull())
		.addColumn('result', 'text', (c) => c.notNull())
		.addColumn('applied_at', 'bigint', (c) => c.notNull())
		.addPrimaryKeyConstraint('sync_operations_pk', ['account_id', 'op_id'])
		.execute();
	// Projects and project links arrive in a later migration.
}
