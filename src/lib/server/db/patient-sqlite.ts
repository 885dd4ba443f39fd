// Waiting for SQLite's write lock without blocking the event loop. SQLite's own busy timeout waits
// inside the (synchronous) call: while another process — the admin CLI, a backup — held the lock,
// the whole server stood still, reads included. Here SQLite answers SQLITE_BUSY at once (busy_timeout
// 0), and the statement that wanted the lock is tried again after a short sleep, with the connection
// given back meanwhile so that other requests' reads go on (WAL readers never wait for a writer).
// A write that still cannot have the lock after `waitMs` fails with DatabaseBusyError: the API
// answers it `503 database_busy` with Retry-After.
import { metrics } from '../observability/metrics';
import type SQLite from 'better-sqlite3';
import {
	SqliteDialect,
	type CompiledQuery,
	type DatabaseConnection,
	type Driver,
	type QueryResult,
	type TransactionSettings
} from 'kysely';

/** The database stayed locked by another process for longer than the server waits. */
export class DatabaseBusyError extends Error {
	override name = 'DatabaseBusyError';
	constructor(readonly waitedMs: number) {
		super(`the database was locked by another process for more than ${waitedMs} ms`);
	}
}

export function isBusy(error: unknown): boolean {
	return (error as { code?: unknown } | null)?.code === 'SQLITE_BUSY';
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A connection of the patient driver: statements outside a transaction wait for the lock too. */
class PatientConnection implements DatabaseConnection {
	constructor(
		readonly inner: DatabaseConnection,
		private readonly driver: PatientSqliteDriver
	) {}

	executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
		return this.driver.patiently(this, () => this.inner.executeQuery<R>(query));
	}

	streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
		return this.inner.streamQuery<R>(query, chunkSize);
	}
}

class PatientSqliteDriver implements Driver {
	constructor(
		private readonly inner: Driver,
		private readonly sqlite: SQLite.Database,
		private readonly waitMs: number
	) {}

	init(): Promise<void> {
		return this.inner.init();
	}

	async acquireConnection(): Promise<DatabaseConnection> {
		return new PatientConnection(await this.inner.acquireConnection(), this);
	}

	/**
	 * Runs `attempt` until it does not meet a lock. Only a statement outside a transaction (a write in
	 * autocommit, or the `begin immediate` that takes the lock) is tried again: nothing of it happened.
	 * Between tries the connection is given back, so other requests use it meanwhile.
	 */
	async patiently<T>(connection: PatientConnection, attempt: () => Promise<T>): Promise<T> {
		const started = Date.now();
		for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
			const outsideTransaction = !this.sqlite.inTransaction;
			try {
				return await attempt();
			} catch (error) {
				if (!isBusy(error) || !outsideTransaction) throw error;
				if (Date.now() - started >= this.waitMs) throw new DatabaseBusyError(this.waitMs);
				metrics.databaseBusyWaits.inc();
			}
			await this.inner.releaseConnection(connection.inner);
			await sleep(pause);
			await this.inner.acquireConnection();
		}
	}

	beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
		const patient = connection as PatientConnection;
		return this.patiently(patient, () => this.inner.beginTransaction(patient.inner, settings));
	}

	commitTransaction(connection: DatabaseConnection): Promise<void> {
		return this.inner.commitTransaction((connection as PatientConnection).inner);
	}

	rollbackTransaction(connection: DatabaseConnection): Promise<void> {
		return this.inner.rollbackTransaction((connection as PatientConnection).inner);
	}

	savepoint(
		connection: DatabaseConnection,
		name: string,
		compile: Parameters<NonNullable<Driver['savepoint']>>[2]
	): Promise<void> {
		return this.inner.savepoint!((connection as PatientConnection).inner, name, compile);
	}

	rollbackToSavepoint(
		connection: DatabaseConnection,
		name: string,
		compile: Parameters<NonNullable<Driver['rollbackToSavepoint']>>[2]
	): Promise<void> {
		return this.inner.rollbackToSavepoint!((connection as PatientConnection).inner, name, compile);
	}

	releaseSavepoint(
		connection: DatabaseConnection,
		name: string,
		compile: Parameters<NonNullable<Driver['releaseSavepoint']>>[2]
	): Promise<void> {
		return this.inner.releaseSavepoint!((connection as PatientConnection).inner, name, compile);
	}

	releaseConnection(connection: DatabaseConnection): Promise<void> {
		return this.inner.releaseConnection((connection as PatientConnection).inner);
	}

	destroy(): Promise<void> {
		return this.inner.destroy();
	}
}

/** Kysely's SQLite dialect over `sqlite`, waiting for another process's lock without blocking. */
export class PatientSqliteDialect extends SqliteDialect {
	constructor(
		private readonly sqlite: SQLite.Database,
		private readonly waitMs: number
	) {
		super({ database: sqlite });
	}

	override createDriver(): Driver {
		return new PatientSqliteDriver(super.createDriver(), this.sqlite, this.waitMs);
	}
}
