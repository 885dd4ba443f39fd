import { describe, expect, it } from 'vitest';
import { statement } from './compiled';

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
