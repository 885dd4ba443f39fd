// Group commit for SQLite. On one SQLite connection a write transaction's begin and commit (which
// appends to the WAL, and now and then checkpoints it) cost more than the statements of a whole
// activation, and transactions run one after another anyway. So the units of work that arrive in
// the same turn of the event loop, or while a batch is being written, are written together in one
// transaction, each in a savepoint of its own: a unit that fails is rolled back alone, the others
// still commit. A unit's result is handed out only after its batch has committed, so nothing is
// answered that is not stored. PostgreSQL gives each unit its own transaction: it locks row by row,
// and several app nodes write at once.
import { observeQueue } from '../observability/metrics';
import type SQLite from 'better-sqlite3';
import { execute, holdsConnection, statement } from './compiled';
import { sqliteConnectionOf } from './database';
import type { Db } from './schema';

/** Most units in one transaction: keeps a batch short enough not to hold up the requests behind it. */
export const MAX_UNITS_PER_BATCH = 64;

interface Unit {
	work: (trx: Db) => Promise<unknown>;
	resolve: (value: unknown) => void;
	reject: (reason: unknown) => void;
}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

const SAVEPOINT = statement('savepoint unit');
const ROLLBACK_TO_SAVEPOINT = statement('rollback to unit');
const RELEASE_SAVEPOINT = statement('release unit');

/** Units waiting for their batch, in every committer of the process (a metric's queue depth). */
let waitingUnits = 0;
observeQueue('sqlite_writes', () => waitingUnits);

class GroupCommitter {
	private readonly waiting: Unit[] = [];
	private writing = false;

	constructor(
		private readonly db: Db,
		private readonly connection: SQLite.Database
	) {}

	run<T>(work: (trx: Db) => Promise<T>): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			this.waiting.push({ work, resolve: resolve as (value: unknown) => void, reject });
			waitingUnits++;
			if (!this.writing) {
				this.writing = true;
				// Starts on the next turn of the event loop, so that the units made ready by the same
				// turn's I/O (answers from the thread pool, other requests' bodies) join this batch.
				setImmediate(() => void this.writeAll());
			}
		});
	}

	private async writeAll(): Promise<void> {
		try {
			while (this.waiting.length > 0) {
				const batch = this.waiting.splice(0, MAX_UNITS_PER_BATCH);
				waitingUnits -= batch.length;
				await this.writeBatch(batch);
			}
		} finally {
			this.writing = false;
		}
	}

	private async writeBatch(batch: Unit[]): Promise<void> {
		const settled: Settled[] = [];
		try {
			await this.db.transaction().execute(async (trx) => {
				holdsConnection(trx, this.connection);
				for (const unit of batch) {
					await execute(trx, SAVEPOINT, []);
					try {
						settled.push({ ok: true, value: await unit.work(trx) });
					} catch (error) {
						await execute(trx, ROLLBACK_TO_SAVEPOINT, []);
						settled.push({ ok: false, error });
					}
					await execute(trx, RELEASE_SAVEPOINT, []);
				}
			});
		} catch (error) {
			// The commit (or the transaction itself) failed: none of the batch was stored.
			for (const unit of batch) unit.reject(error);
			return;
		}
		batch.forEach((unit, i) => {
			const outcome = settled[i]!;
			if (outcome.ok) unit.resolve(outcome.value);
			else unit.reject(outcome.error);
		});
	}
}

const committers = new WeakMap<Db, GroupCommitter>();

/**
 * Runs `work` all or nothing, in a transaction of its own (PostgreSQL) or in a savepoint of the
 * next group commit (SQLite), and resolves once what it did is committed. `work` must not call
 * `atomically` itself: it would wait for its own batch.
 */
export function atomically<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
	const connection = sqliteConnectionOf(db);
	if (!connection) return db.transaction().execute(work);
	let committer = committers.get(db);
	if (!committer) {
		committer = new GroupCommitter(db, connection);
		committers.set(db, committer);
	}
	return committer.run(work);
}
