// Brings the database schema up to date at start-up, refusing a database written by a newer Airlock;
// a run that fails changes nothing (one transaction, on SQLite as on PostgreSQL).
import { Migrator, sql, type MigrationResult, type MigrationResultSet } from 'kysely';
import { isPostgres } from './database';
import { migrations } from './migrations';
import type { Db } from './schema';

const MIGRATION_TABLE = 'kysely_migration';

/** The database holds a migration this code does not know: running on it could corrupt it. */
export class NewerDatabaseError extends Error {
	override name = 'NewerDatabaseError';
	constructor(readonly migration: string) {
		super(
			`This database was written by a newer Airlock (migration ${migration}); upgrade Airlock or point DATA_DIR/DATABASE_URL elsewhere.`
		);
	}
}

export class MigrationFailedError extends Error {
	override name = 'MigrationFailedError';
}

async function currentSchema(db: Db): Promise<string | undefined> {
	if (!isPostgres(db)) return undefined;
	const result = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
	return result.rows[0]?.schema;
}

async function appliedMigrations(db: Db): Promise<string[]> {
	// Ask the catalog rather than catch a failing select: on PostgreSQL the name resolves through the
	// search path, so only this schema's table counts.
	const exists = isPostgres(db)
		? (await sql<{ found: string | null }>`select to_regclass(${MIGRATION_TABLE})::text as found`.execute(db))
				.rows[0]?.found != null
		: (
				await sql<{
					name: string;
				}>`select name from sqlite_master where type = 'table' and name = ${MIGRATION_TABLE}`.execute(db)
			).rows.length > 0;
	if (!exists) return [];
	const rows = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)}`.execute(db);
	return rows.rows.map((row) => row.name);
}

/** Kysely's migrator over this project's migrations, in the database's own schema. */
export async function migratorFor(db: Db): Promise<Migrator> {
	const schema = await currentSchema(db);
	return new Migrator({
		db,
		provider: { getMigrations: async () => migrations },
		// Kysely looks the table up across all schemas unless told which one is ours.
		...(schema ? { migrationTableSchema: schema } : {})
	});
}

/**
 * Kysely runs PostgreSQL's pending migrations in one transaction, but not SQLite's (its SQLite adapter
 * declares no transactional DDL, which SQLite has): a failing migration would leave the ones before it
 * applied and itself half done, and an upgrade that fails could not simply go back to the previous
 * release. One transaction here, on the one connection Kysely's SQLite driver has, so that a failed
 * run changes nothing on either database. `begin` is taken as `begin immediate` (database.ts): the
 * write lock is held from the start.
 */
async function inOneSqliteTransaction(
	db: Db,
	run: () => Promise<MigrationResultSet>
): Promise<MigrationResultSet> {
	await sql`begin`.execute(db);
	let outcome: MigrationResultSet;
	try {
		outcome = await run();
	} catch (error) {
		await sql`rollback`.execute(db);
		throw error;
	}
	await sql`${sql.raw(outcome.error ? 'rollback' : 'commit')}`.execute(db);
	return outcome;
}

/** Runs every pending migration; returns the names it ran (empty when up to date). */
export async function migrateToLatest(db: Db): Promise<string[]> {
	const applied = await appliedMigrations(db);
	const unknown = applied.filter((name) => !(name in migrations)).sort();
	if (unknown.length > 0) throw new NewerDatabaseError(unknown[unknown.length - 1]!);
	// Up to date (every start but the first after an upgrade): no write lock taken on SQLite.
	if (Object.keys(migrations).every((name) => applied.includes(name))) return [];

	const { error, results } = isPostgres(db)
		? await (await migratorFor(db)).migrateToLatest()
		: await inOneSqliteTransaction(db, async () => (await migratorFor(db)).migrateToLatest());
	if (error) {
		const failed = results?.find((result: MigrationResult) => result.status === 'Error');
		throw new MigrationFailedError(
			`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${error instanceof Error ? error.message : String(error)}`,
			{ cause: error }
		);
	}
	return (results ?? [])
		.filter((result) => result.status === 'Success')
		.map((result) => result.migrationName);
}
