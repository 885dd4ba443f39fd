import { describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/databases';
import { execute, statement } from './compiled';

describe('statement', () => {
	it('numbers the placeholders for PostgreSQL and keeps them for SQLite', () => {
		const text = statement('select a from t where b = ? and c in (?, ?)', ' for update');
		expect(text.sqlite).toBe('select a from t where b = ? and c in (?, ?)');
		expect(text.postgres).toBe('select a from t where b = $1 and c in ($2, $3) for update');
	});

	it('numbers each statement from 1', () => {
		statement('select ?');
		expect(statement('select ?, ?').postgres).toBe('select $1, $2');
	});
});

const INSERT = statement('insert into rate_limits (key, window_start, count) values (?, ?, ?)');
const COUNT = statement('select count(*) as n from rate_limits where key like ?');

describeEachDatabase('execute', (getDb) => {
	it('runs reads and writes, and reports the rows a write changed', async () => {
		const db = getDb();
		const written = await execute(db, INSERT, ['exec-a', 1, 1]);
		expect(Number(written.numAffectedRows)).toBe(1);
		const read = await execute<{ n: number | string }>(db, COUNT, ['exec-a']);
		expect(Number(read.rows[0]!.n)).toBe(1);
	});

	it('never joins a transaction that is open meanwhile: that one rolls back alone', async () => {
		const db = getDb();
		let inside!: () => void;
		const opened = new Promise<void>((resolve) => (inside = resolve));
		const transaction = db.transaction().execute(async (trx) => {
			await trx
				.insertInto('rate_limits')
				.values({ key: 'exec-rolled-back', window_start: 1, count: 1 })
				.execute();
			inside();
			await new Promise((resolve) => setTimeout(resolve, 20));
			throw new Error('rolled back');
		});
		await opened;
		const outside = execute(db, INSERT, ['exec-outside', 1, 1]);
		await expect(transaction).rejects.toThrow('rolled back');
		await outside;
		expect(Number((await execute<{ n: number }>(db, COUNT, ['exec-outside'])).rows[0]!.n)).toBe(1);
		expect(Number((await execute<{ n: number }>(db, COUNT, ['exec-rolled-back'])).rows[0]!.n)).toBe(0);
	});
});
