// Opens the server database: SQLite (better-sqlite3) in DATA_DIR by default, PostgreSQL (pg Pool)
// when DATABASE_URL is set. Both behind one typed Kysely instance.
import { logger } from '../observability/logger';
import { metrics, observeQueue } from '../observability/metrics';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresAdapter, PostgresDialect, sql, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config';
import type { Database, Db } from './schema';
import { PatientSqliteDialect } from './patient-sqlite';
import { checkpointInBackground } from './wal-checkpointer';

const INT8_OID = 20;

// Timestamps are bigint in PostgreSQL, which pg returns as strings by default; epoch milliseconds
// (and row counts) fit a double exactly, so they become numbers as on SQLite. Scoped to our pools
// rather than set on pg's global registry.
const types = {
	getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
		oid === INT8_OID && format !== 'binary'
			? (value: string) => Number(value)
			: pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser
};

export interface DatabaseOptions {
	/** PostgreSQL only: the schema to work in (tests use a fresh one each). */
	searchPath?: string;
	/** PostgreSQL only: most connections the pool opens. */
	maxConnections?: number;
	/** PostgreSQL only: how long to wait for a connection before failing. */
	connectTimeoutMs?: number;
	/**
	 * SQLite only: how long to wait for another process's write lock (default 5 s). The admin CLI can
	 * wait longer behind a busy server.
	 */
	busyTimeoutMs?: number;
	/**
	 * SQLite only: wait for the lock without blocking the event loop (patient-sqlite.ts), as the
	 * server must; otherwise SQLite's own busy timeout waits inside the call, which suits tools.
	 */
	waitWithoutBlocking?: boolean;
	/**
	 * SQLite only: checkpoint the write-ahead log from a worker thread rather than on this
	 * connection (db/wal-checkpointer.ts). For the server; short-lived tools leave it to SQLite.
	 */
	checkpointInBackground?: boolean;
}

export function createDatabase(config: DatabaseConfig, options: DatabaseOptions = {}): Db {
	if (config.kind === 'postgres') {
		const pool = new pg.Pool({
			connectionString: config.url,
			max: options.maxConnections ?? 10,
			types,
			connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
			...(options.searchPath ? { options: `-c search_path=${options.searchPath}` } : {})
		});
		// An idle connection can be ended by the server (a restart, an administrator): without a
		// listener that error would end the process. The pool opens a new connection when needed.
		pool.on('error', (error) => logger.warn({ err: error }, 'PostgreSQL closed an idle connection'));
		observeQueue('postgres_pool', () => pool.waitingCount);
		const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
		postgresPools.set(db, pool);
		return db;
	}
	mkdirSync(dirname(config.file), { recursive: true });
	const sqlite = new SQLite(config.file);
	sqlite.pragma('journal_mode = WAL');
	// Another process (the admin CLI) may hold the write lock for a while.
	const busyTimeoutMs = Math.round(options.busyTimeoutMs ?? 5000);
	sqlite.pragma(`busy_timeout = ${options.waitWithoutBlocking ? 0 : busyTimeoutMs}`);
	sqlite.pragma('foreign_keys = ON');
	sqlite.pragma('synchronous = NORMAL');
	const checkpoints = options.checkpointInBackground
		? checkpointInBackground(sqlite, config.file)
		: undefined;
	const cached = withStatementCache(sqlite, () => checkpoints?.stop());
	const dialect = options.waitWithoutBlocking
		? new PatientSqliteDialect(cached, busyTimeoutMs)
		: new SqliteDialect({ database: cached });
	const db = new Kysely<Database>({ dialect });
	sqliteConnections.set(db, cached);
	return db;
}

const sqliteConnections = new WeakMap<Db, SQLite.Database>();
const postgresPools = new WeakMap<Db, pg.Pool>();

/** The pg pool behind a PostgreSQL database made by createDatabase (not a transaction's). */
export function postgresPoolOf(db: Db): pg.Pool | undefined {
	return postgresPools.get(db);
}

/** The SQLite connection behind a database made by createDatabase (with its statement cache). */
export function sqliteConnectionOf(db: Db): SQLite.Database | undefined {
	return sqliteConnections.get(db);
}

const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely prepares every query anew, and preparing costs SQLite more than running most of ours
 * (a profile under load showed it as the largest single cost). The queries are a small fixed set,
 * so prepared statements are kept by their SQL text and reused; Kysely runs one query at a time
 * on this connection, so a statement is never in use twice at once.
 */
function withStatementCache(sqlite: SQLite.Database, onClose: () => void): SQLite.Database {
	const statements = new Map<string, SQLite.Statement>();
	return new Proxy(sqlite, {
		get(target, property, receiver) {
			if (property === 'close')
				return () => {
					target.close();
					onClose();
					return receiver;
				};
			if (property !== 'prepare') return Reflect.get(target, property, receiver);
			return (text: string) => {
				// Take the write lock when a transaction begins (waiting up to busy_timeout): a deferred
				// one that read first and writes after another process (the admin CLI, or the server for
				// the CLI) committed would fail at once with SQLITE_BUSY, without waiting.
				const sql = text === 'begin' ? 'begin immediate' : text;
				let statement = statements.get(sql);
				if (!statement) {
					if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
					statement = target.prepare(sql);
					statements.set(sql, statement);
				}
				return statement;
			};
		}
	});
}

/** True on PostgreSQL, for the few statements the two databases spell differently. */
export function isPostgres(db: Db): boolean {
	return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Whether the database answers a trivial query (health checks). */
export async function databaseAnswers(db: Db): Promise<boolean> {
	try {
		await sql`select 1`.execute(db);
		return true;
	} catch (error) {
		logger.error({ err: error }, 'the database does not answer');
		metrics.databaseErrors.inc({ kind: 'unavailable' });
		return false;
	}
}
