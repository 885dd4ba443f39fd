import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/databases';
import { atomically, MAX_UNITS_PER_BATCH } from './group-commit';
import type { Db } from './schema';

async function insertKey(trx: Db, key: string): Promise<string> {
	await trx.insertInto('rate_limits').values({ key, window_start: 1, count: 1 }).execute();
	return key;
}

async function storedKeys(db: Db, prefix: string): Promise<string[]> {
	const rows = await db
		.selectFrom('rate_limits')
		.select('key')
		.where('key', 'like', `${prefix}%`)
		.orderBy('key')
		.execute();
	return rows.map((row) => row.key);
}

describeEachDatabase('atomically (group commit on SQLite)', (getDb, kind, getTestDatabase) => {
	it('keeps each unit all or nothing: a failing unit leaves no trace, the others are stored', async () => {
		const db = getDb();
		const results = await Promise.allSettled(
			['a', 'b', 'c', 'd'].map((name) =>
				atomically(db, async (trx) => {
					await insertKey(trx, `unit-${name}-1`);
					if (name === 'b') throw new Error('b failed halfway');
					return insertKey(trx, `unit-${name}-2`);
				})
			)
		);
		expect(results.map((result) => result.status)).toEqual([
			'fulfilled',
			'rejected',
			'fulfilled',
			'fulfilled'
		]);
		expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('b failed halfway'));
		expect(await storedKeys(db, 'unit-')).toEqual([
			'unit-a-1',
			'unit-a-2',
			'unit-c-1',
			'unit-c-2',
			'unit-d-1',
			'unit-d-2'
		]);
	});

	it('hands a result out only once it is committed: another connection already sees it', async () => {
		const db = getDb();
		const other = getTestDatabase().reopen();
		const seenByOther = await Promise.all(
			Array.from({ length: 10 }, (_, i) =>
				atomically(db, (trx) => insertKey(trx, `durable-${i}`)).then(
					async (key) => (await storedKeys(other, key)).length
				)
			)
		);
		expect(seenByOther).toEqual(Array(10).fill(1));
	});

	if (kind === 'sqlite') {
		it('writes the units made ready in the same turn of the event loop together', async () => {
			const db = getDb();
			const other = getTestDatabase().reopen();
			const units = Array.from({ length: 5 }, (_, i) => atomically(db, (trx) => insertKey(trx, `turn-${i}`)));
			await units[0];
			// Committed together: when the first is answered, another connection sees all five.
			expect(await storedKeys(other, 'turn-')).toHaveLength(5);
			await Promise.all(units);
		});

		it(`writes the units that wait behind a batch together, at most ${MAX_UNITS_PER_BATCH} per transaction`, async () => {
			const db = getDb();
			const other = getTestDatabase().reopen();
			const gate = () => {
				let open!: () => void;
				return { opened: new Promise<void>((resolve) => (open = resolve)), open: () => open() };
			};
			const firstStarted = gate();
			const firstBatch = gate();
			const secondBatch = gate();
			const first = atomically(db, async (trx) => {
				firstStarted.open();
				await firstBatch.opened;
				return insertKey(trx, 'batch-000');
			});
			await firstStarted.opened;
			const count = MAX_UNITS_PER_BATCH + 6;
			const waiting = Array.from({ length: count }, (_, i) =>
				atomically(db, async (trx) => {
					// The first unit of the batch after next holds its transaction open until checked.
					if (i === MAX_UNITS_PER_BATCH) await secondBatch.opened;
					return insertKey(trx, `batch-${String(i + 1).padStart(3, '0')}`);
				})
			);
			firstBatch.open();
			await first;
			await waiting[0];
			// The whole batch the first waiting unit was in is committed; the next one is not.
			expect(await storedKeys(other, 'batch-')).toHaveLength(1 + MAX_UNITS_PER_BATCH);
			secondBatch.open();
			await Promise.all(waiting);
			expect(await storedKeys(other, 'batch-')).toHaveLength(1 + count);
		});
	}
});
