// Two processes on one SQLite file (the server and the admin CLI): a transaction that reads, then
// writes, must not fail because the other process committed in between. Transactions therefore take
// the write lock when they begin, and the other process waits its turn (busy_timeout).
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createDatabase } from './database';

function writeFromAnotherProcess(file: string): Promise<string> {
	const script = `
		const Database = require('better-sqlite3');
		const db = new Database(process.argv[1]);
		db.pragma('busy_timeout = 10000');
		db.prepare('insert into counters (name, value) values (?, 1)').run('other');
		console.log('written');
	`;
	return new Promise((resolve, reject) =>
		execFile(process.execPath, ['-e', script, file], (error, stdout, stderr) =>
			error ? reject(new Error(stderr || error.message)) : resolve(stdout.trim())
		)
	);
}

describe('SQLite transactions across processes', () => {
	it('a read-then-write transaction survives another process writing meanwhile; both writes land', async () => {
		const file = join(mkdtempSync(join(tmpdir(), 'airlock-locking-')), 'test.sqlite');
		const db = createDatabase({ kind: 'sqlite', file });
		try {
			await sql`create table counters (name text primary key, value integer not null)`.execute(db);
			await sql`insert into counters (name, value) values ('mine', 0)`.execute(db);
			let other: Promise<string> | undefined;
			await db.transaction().execute(async (trx) => {
				const before = await sql<{ value: number }>`select value from counters where name = 'mine'`.execute(
					trx
				);
				// The other process tries to write now, while this transaction is open…
				other = writeFromAnotherProcess(file);
				await new Promise((resolve) => setTimeout(resolve, 500));
				// …and this one writes after it: with a deferred BEGIN this failed with SQLITE_BUSY.
				await sql`update counters set value = ${before.rows[0]!.value + 1} where name = 'mine'`.execute(trx);
			});
			expect(await other).toBe('written');
			const rows = await sql<{
				name: string;
				value: number;
			}>`select name, value from counters order by name`.execute(db);
			expect(rows.rows).toEqual([
				{ name: 'mine', value: 1 },
				{ name: 'other', value: 1 }
			]);
		} finally {
			await db.destroy();
		}
	});
});
