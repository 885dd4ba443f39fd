// The write-ahead log is checkpointed by a worker thread, not by the server's connection: what is
// committed reaches the database file itself while the server's connection never checkpoints.
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createDatabase, sqliteConnectionOf } from './database';
import { checkpointInBackground } from './wal-checkpointer';

const ROWS = 300;

function databaseFile(): string {
	return join(mkdtempSync(join(tmpdir(), 'airlock-checkpoint-')), 'test.sqlite');
}

/** Rows in the database file alone, without its log: only what a checkpoint has copied there. */
function rowsInDatabaseFile(file: string): number {
	const copy = `${file}.copy`;
	copyFileSync(file, copy);
	const reader = new SQLite(copy, { readonly: true });
	try {
		const table = reader.prepare(`select 1 from sqlite_master where name = 'items'`).get();
		return table ? (reader.prepare('select count(*) as n from items').get() as { n: number }).n : 0;
	} finally {
		reader.close();
	}
}

async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (check()) return true;
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	return check();
}

describe('checkpoints in a worker thread', () => {
	it('commits reach the database file while the server’s connection never checkpoints', async () => {
		const file = databaseFile();
		const db = createDatabase({ kind: 'sqlite', file }, { checkpointInBackground: true });
		try {
			expect(sqliteConnectionOf(db)!.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
			await sql`create table items (id integer primary key, body text not null)`.execute(db);
			for (let i = 0; i < ROWS; i++)
				await sql`insert into items (body) values (${'x'.repeat(2000)})`.execute(db);
			expect(await eventually(() => rowsInDatabaseFile(file) === ROWS)).toBe(true);
		} finally {
			await db.destroy();
		}
	});

	it('when the database closes, the worker checkpoints the rest and the log is removed', async () => {
		const file = databaseFile();
		const connection = new SQLite(file);
		connection.pragma('journal_mode = WAL');
		const checkpoints = checkpointInBackground(connection, file, { intervalMs: 60_000 });
		connection.exec('create table items (id integer primary key, body text not null)');
		const insert = connection.prepare('insert into items (body) values (?)');
		for (let i = 0; i < ROWS; i++) insert.run('y'.repeat(500));
		connection.close();
		checkpoints.stop();
		await checkpoints.ended;
		expect(existsSync(`${file}-wal`)).toBe(false);
		expect(rowsInDatabaseFile(file)).toBe(ROWS);
	});

	it('a worker that cannot run leaves checkpointing to the connection, as SQLite does by default', async () => {
		const file = databaseFile();
		const connection = new SQLite(file);
		connection.pragma('journal_mode = WAL');
		const reported: string[] = [];
		const checkpoints = checkpointInBackground(connection, file, {
			driver: join(tmpdir(), 'no-such-driver.js'),
			log: (message) => reported.push(message)
		});
		await checkpoints.ended;
		expect(reported).toEqual([expect.stringContaining('the server checkpoints it itself')]);
		expect(connection.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
		connection.close();
	});
});
