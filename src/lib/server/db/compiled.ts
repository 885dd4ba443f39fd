// Hand-written SQL for the statements every request runs, executed without Kysely's query builder:
// under load, building and compiling a query cost more than the database took to run it. A text
// is written once with `?` placeholders and numbered for PostgreSQL when the module loads.
import { CompiledQuery, type QueryResult } from 'kysely';
import { isPostgres } from './database';
import type { Db } from './schema';

export interface Statement {
	readonly sqlite: string;
	readonly postgres: string;
}

/** A statement for both databases; `postgresSuffix` is appended on PostgreSQL only (e.g. a lock). */
export function statement(text: string, postgresSuffix = ''): Statement {
	let index = 0;
	return {
		sqlite: text,
		postgres: `${text.replace(/\?/g, () => `$${++index}`)}${postgresSuffix}`
	};
}

export function execute<Row>(
	db: Db,
	text: Statement,
	parameters: readonly unknown[]
): Promise<QueryResult<Row>> {
	return db.executeQuery<Row>(
		CompiledQuery.raw(isPostgres(db) ? text.postgres : text.sqlite, parameters as unknown[])
	);
}
