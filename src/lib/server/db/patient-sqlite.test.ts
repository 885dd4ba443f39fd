// Another process holding SQLite's write lock (the admin CLI, a backup): the server keeps answering.
// Its writes wait without blocking the event loop, its reads go on meanwhile, and a write that
// cannot have the lock in time fails with DatabaseBusyError (the API's 503 database_busy).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { execute, statement } from './compiled';
import { createDatabase } from './database';
import { DatabaseBusyError } from './patient-sqlite';
import type { Db } from './schema';
import { apiHandler } from '../http/handler';

const opened: { db: Db; holder: SQLite.Database }[] = [];

async function databaseLockedByAnother(busyTimeoutMs: number) {
	const file = join(mkdtempSync(join(tmpdir(), 'airlock-patient-')), 'test.sqlite');
	const db = createDatabase({ kind: 'sqlite', file }, { waitWithoutBlocking: true, busyTimeoutMs });
	await sql`create table counters (name text primary key, value integer not null)`.execute(db);
	await sql`insert into counters (name, value) values ('mine', 0)`.execute(db);
	// Another process's connection takes the write lock and keeps it.
	const holder = new SQLite(file);
	holder.exec('begin immediate');
	opened.push({ db, holder });
	return { db, holder };
}

afterEach(async () => {
	for (const { db, holder } of opened.splice(0)) {
		if (holder.inTransaction) holder.exec('rollback');
		holder.close();
		await db.destroy();
	}
});

const INSERT = statement('insert into counters (name, value) values (?, ?)');

describe('waiting for another process’s write lock', () => {
	it('reads and timers go on while a write waits; the write lands once the lock is free', async () => {
		const { db, holder } = await databaseLockedByAnother(60_000);
		let transactionDone = false;
		const transaction = db
			.transaction()
			.execute((trx) => sql`update counters set value = value + 1 where name = 'mine'`.execute(trx))
			.finally(() => (transactionDone = true));
		let autocommitDone = false;
		const autocommit = Promise.resolve(execute(db, INSERT, ['compiled', 1])).finally(
			() => (autocommitDone = true)
		);
		// The event loop turns and a read answers while both writes wait.
		await new Promise((resolve) => setTimeout(resolve, 20));
		const read = await sql<{ value: number }>`select value from counters where name = 'mine'`.execute(db);
		expect(read.rows).toEqual([{ value: 0 }]);
		expect([transactionDone, autocommitDone]).toEqual([false, false]);

		holder.exec('commit');
		await Promise.all([transaction, autocommit]);
		const rows = await sql<{
			name: string;
			value: number;
		}>`select name, value from counters order by name`.execute(db);
		expect(rows.rows).toEqual([
			{ name: 'compiled', value: 1 },
			{ name: 'mine', value: 1 }
		]);
	});

	it('a write that cannot have the lock in time fails as busy, changing nothing; the API answers 503', async () => {
		const { db } = await databaseLockedByAnother(200);
		await expect(
			db.transaction().execute((trx) => sql`update counters set value = 7`.execute(trx))
		).rejects.toBeInstanceOf(DatabaseBusyError);
		await expect(Promise.resolve(execute(db, INSERT, ['late', 1]))).rejects.toBeInstanceOf(DatabaseBusyError);
		const rows = await sql<{ value: number }>`select value from counters`.execute(db);
		expect(rows.rows).toEqual([{ value: 0 }]);

		const answer = await apiHandler(async () => {
			await db.transaction().execute((trx) => sql`update counters set value = 7`.execute(trx));
			return new Response('never');
		})({} as never);
		expect(answer.status).toBe(503);
		expect(answer.headers.get('retry-after')).toBe('5');
		expect((await answer.json()).error.code).toBe('database_busy');
	});
});
