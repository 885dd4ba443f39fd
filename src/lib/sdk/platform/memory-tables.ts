// Tables held in memory with the transaction rules of IndexedDB, shared by the testing twin (memory
// only) and the Node file store (memory, written to a file at each commit). Transactions run one at
// a time; a read-write one works on copies of the tables it changes and swaps them in only when its
// work succeeds (and, for the file store, once the file is written), so a failure changes nothing.
// Rows are copied in and out (structuredClone), as IndexedDB does: a caller can never change a
// stored row by changing an object it holds.
import {
	TABLE_KEYS,
	TABLE_NAMES,
	type RangeQuery,
	type StorageTransaction,
	type StoredRow,
	type TableName,
	type TransactionMode
} from './storage.js';

export type TableData = Map<TableName, Map<string, StoredRow>>;

export function emptyTables(): TableData {
	return new Map(TABLE_NAMES.map((name) => [name, new Map()]));
}

function keyOf(table: TableName, row: object): string {
	const key = (row as Record<string, unknown>)[TABLE_KEYS[table]];
	if (typeof key !== 'string' || key === '')
		throw new TypeError(`A ${table} row needs a text ${TABLE_KEYS[table]}.`);
	return key;
}

const copy = <T>(value: T): T => structuredClone(value);

function compareBy(field: string) {
	return (a: [string, StoredRow], b: [string, StoredRow]) => {
		const x = a[1][field] as number | string;
		const y = b[1][field] as number | string;
		return x < y ? -1 : x > y ? 1 : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
	};
}

/** The changes a read-write transaction made: the new tables, swapped in at commit. */
export interface Changes {
	tables: Map<TableName, Map<string, StoredRow>>;
}

/**
 * Runs `work` over `data` (never changed by it). Returns its result and, for a read-write
 * transaction that wrote anything, the tables it changed, for the caller to commit.
 */
export async function runOnTables<R>(
	data: TableData,
	mode: TransactionMode,
	scope: readonly TableName[],
	work: (tx: StorageTransaction) => Promise<R>
): Promise<{ result: R; changes: Changes | null }> {
	const written = new Map<TableName, Map<string, StoredRow>>();
	const inScope = (table: TableName) => {
		if (!scope.includes(table)) throw new Error(`The table ${table} is not part of this transaction.`);
	};
	const read = (table: TableName) => {
		inScope(table);
		return written.get(table) ?? data.get(table)!;
	};
	const write = (table: TableName) => {
		inScope(table);
		if (mode !== 'rw') throw new Error('A read-only transaction cannot write.');
		let rows = written.get(table);
		if (!rows) {
			rows = new Map(data.get(table)!);
			written.set(table, rows);
		}
		return rows;
	};
	const matching = (table: TableName, field: string, values: readonly string[]) =>
		[...read(table).entries()].filter(([, row]) => values.includes(row[field] as string));
	const tx: StorageTransaction = {
		async get(table, key) {
			const row = read(table).get(key);
			return row && copy(row);
		},
		async getMany(table, keys) {
			const rows = read(table);
			return keys.map((key) => {
				const row = rows.get(key);
				return row && copy(row);
			});
		},
		async all(table) {
			return [...read(table).values()].map(copy);
		},
		async where(table, field, values) {
			return matching(table, field, values).map(([, row]) => copy(row));
		},
		async count(table, field, values) {
			return matching(table, field, values).length;
		},
		async range(table, query: RangeQuery) {
			return matching(table, query.field, [query.value])
				.filter(([key]) => !query.skip?.has(key))
				.sort(compareBy(query.orderBy))
				.slice(0, query.limit)
				.map(([, row]) => copy(row));
		},
		async put(table, row) {
			write(table).set(keyOf(table, row), copy(row) as StoredRow);
		},
		async putMany(table, rows) {
			const target = write(table);
			for (const row of rows) target.set(keyOf(table, row), copy(row) as StoredRow);
		},
		async update(table, key, changes) {
			const target = write(table);
			const row = target.get(key);
			if (!row) return false;
			target.set(key, { ...row, ...copy(changes) });
			return true;
		},
		async updateMany(table, updates) {
			const target = write(table);
			for (const { key, changes } of updates) {
				const row = target.get(key);
				if (row) target.set(key, { ...row, ...copy(changes) });
			}
		},
		async delete(table, key) {
			write(table).delete(key);
		},
		async deleteMany(table, keys) {
			const target = write(table);
			for (const key of keys) target.delete(key);
		},
		async clear(table) {
			write(table).clear();
		}
	};
	const result = await work(tx);
	return { result, changes: written.size > 0 ? { tables: written } : null };
}

/** Runs async jobs one after the other (a transaction waits for the one before it). */
export function serialQueue() {
	let tail: Promise<unknown> = Promise.resolve();
	return <R>(job: () => Promise<R>): Promise<R> => {
		const run = tail.then(job, job);
		tail = run.catch(() => undefined);
		return run;
	};
}
