// Brings the database schema up to date at start-up, refusing a database written by a newer Airlock.
import { Migrator, sql, type MigrationResult } from 'kysely';
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

/** Runs every pending migration; returns the names it ran (empty when up to date). */
export async function migrateToLatest(db: Db): Promise<string[]> {
	const unknown = (await appliedMigrations(db)).filter((name) => !(name in migrations)).sort();
	if (unknown.length > 0) throw new NewerDatabaseError(unknown[unknown.length - 1]!);

	const { error, results } = await (await migratorFor(db)).migrateToLatest();
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
