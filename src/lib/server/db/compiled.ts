// Hand-written SQL for the statements every request runs. Through Kysely each query costs about
// 12 µs of the server's one thread (its executor, a connection lock and several promises, each
// tracked by the request's async context), ten times what SQLite takes to run ours; under load that
// was the largest cost of an activation. So these skip the query builder, and on SQLite they run
// straight on the connection when nothing else can be using it:
// - inside a group-commit unit (group-commit.ts), whose batch holds the connection;
// - outside any transaction: a statement runs synchronously, so nothing interleaves with it.
// On PostgreSQL, outside a transaction, they go straight to the pool as named prepared statements:
// each connection parses and plans one once, not on every request.
// A text is written once with `?` placeholders and numbered for PostgreSQL when the module loads.
import { CompiledQuery, type QueryResult } from 'kysely';
import type SQLite from 'better-sqlite3';
import type pg from 'pg';
import { isPostgres, postgresPoolOf, sqliteConnectionOf } from './database';
import { isBusy } from './patient-sqlite';
import type { Db } from './schema';

export interface Statement {
	readonly sqlite: string;
	readonly postgres: string;
	/** The name PostgreSQL connections prepare it under. */
	readonly name: string;
}

let statements = 0;

/** A statement for both databases; `postgresSuffix` is appended on PostgreSQL only (e.g. a lock). */
export function statement(text: string, postgresSuffix = ''): Statement {
	let index = 0;
	return {
		sqlite: text,
		postgres: `${text.replace(/\?/g, () => `$${++index}`)}${postgresSuffix}`,
		name: `airlock_${++statements}`
	};
}

/** Transactions that hold their SQLite connection for as long as they are open. */
const holdingConnection = new WeakMap<Db, SQLite.Database>();

/** Lets statements on `trx` run straight on `connection`: `trx` holds it until it ends. */
export function holdsConnection(trx: Db, connection: SQLite.Database): void {
	holdingConnection.set(trx, connection);
}

function runOn<Row>(
	connection: SQLite.Database,
	text: string,
	parameters: readonly unknown[]
): QueryResult<Row> {
	const prepared = connection.prepare(text);
	if (prepared.reader) return { rows: prepared.all(...parameters) as Row[] };
	return { rows: [], numAffectedRows: BigInt(prepared.run(...parameters).changes) };
}

async function runOnPool<Row>(
	pool: pg.Pool,
	text: Statement,
	parameters: readonly unknown[]
): Promise<QueryResult<Row>> {
	const result = await pool.query({ name: text.name, text: text.postgres, values: [...parameters] });
	return {
		rows: result.rows as Row[],
		// As Kysely's driver reports it: affected rows for writes only.
		...(result.command === 'SELECT' ? {} : { numAffectedRows: BigInt(result.rowCount ?? 0) })
	};
}

export function execute<Row>(
	db: Db,
	text: Statement,
	parameters: readonly unknown[]
): QueryResult<Row> | Promise<QueryResult<Row>> {
	const held = holdingConnection.get(db);
	if (held) return runOn<Row>(held, text.sqlite, parameters);
	const pool = postgresPoolOf(db);
	if (pool) return runOnPool<Row>(pool, text, parameters);
	const query = () =>
		db.executeQuery<Row>(
			CompiledQuery.raw(isPostgres(db) ? text.postgres : text.sqlite, parameters as unknown[])
		);
	const connection = sqliteConnectionOf(db);
	if (connection && !connection.inTransaction) {
		try {
			return runOn<Row>(connection, text.sqlite, parameters);
		} catch (error) {
			// A write meeting another process's lock: through Kysely, whose driver waits for it.
			if (isBusy(error)) return query();
			throw error;
		}
	}
	return query();
}
