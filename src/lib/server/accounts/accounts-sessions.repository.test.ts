import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/databases';
import {
	countAccounts,
	findAccountByEmail,
	findAccountById,
	insertAccount,
	normaliseEmail,
	updatePasswordHash
} from './accounts.repository';
import {
	clearRateLimit,
	hitRateLimit,
	pruneRateLimits,
	readRateLimit,
	refundRateLimit
} from './rate-limits.repository';
import {
	deleteExpiredSessions,
	deleteSession,
	deleteSessionsOfAccount,
	extendSession,
	findLiveSession,
	insertSession
} from './sessions.repository';

describeEachDatabase('accounts, sessions and rate limits', (getDb) => {
	it('stores accounts under a normalised, unique e-mail', async () => {
		const db = getDb();
		const email = normaliseEmail('  Alice@Example.TEST ');
		expect(email).toBe('alice@example.test');
		const before = await countAccounts(db);
		expect(await insertAccount(db, { id: 'acc-alice', email, password_hash: 'h1', created_at: 5 })).toBe(
			true
		);
		expect(await insertAccount(db, { id: 'acc-alice2', email, password_hash: 'h2', created_at: 6 })).toBe(
			false
		);
		expect(await countAccounts(db)).toBe(before + 1);
		expect((await findAccountByEmail(db, 'ALICE@example.test'))?.id).toBe('acc-alice');
		await updatePasswordHash(db, 'acc-alice', 'h3');
		expect(await findAccountById(db, 'acc-alice')).toEqual({
			id: 'acc-alice',
			email,
			password_hash: 'h3',
			created_at: 5
		});
	});

	it('finds live sessions only, extends and deletes them', async () => {
		const db = getDb();
		await insertAccount(db, { id: 'acc-s', email: 's@example.test', password_hash: 'h', created_at: 1 });
		await insertSession(db, {
			id: 'sess-1',
			account_id: 'acc-s',
			created_at: 100,
			expires_at: 200,
			last_used_at: 100
		});
		await insertSession(db, {
			id: 'sess-2',
			account_id: 'acc-s',
			created_at: 100,
			expires_at: 150,
			last_used_at: 100
		});
		expect((await findLiveSession(db, 'sess-1', 199))?.account_id).toBe('acc-s');
		expect(await findLiveSession(db, 'sess-1', 200)).toBeUndefined();
		await extendSession(db, 'sess-1', 190, 300);
		expect(await findLiveSession(db, 'sess-1', 250)).toMatchObject({ last_used_at: 190, expires_at: 300 });
		expect(await deleteExpiredSessions(db, 160)).toBeGreaterThanOrEqual(1);
		expect(await findLiveSession(db, 'sess-2', 0)).toBeUndefined();
		await deleteSession(db, 'sess-1');
		expect(await findLiveSession(db, 'sess-1', 250)).toBeUndefined();
		await insertSession(db, {
			id: 'sess-3',
			account_id: 'acc-s',
			created_at: 1,
			expires_at: 999,
			last_used_at: 1
		});
		await deleteSessionsOfAccount(db, 'acc-s');
		expect(await findLiveSession(db, 'sess-3', 2)).toBeUndefined();
	});

	it('counts hits in fixed windows, refunds and prunes them', async () => {
		const db = getDb();
		expect(await hitRateLimit(db, 'k', 1000, 10_000)).toEqual({ count: 1, windowStart: 10_000 });
		expect(await hitRateLimit(db, 'k', 1000, 10_500)).toEqual({ count: 2, windowStart: 10_000 });
		await refundRateLimit(db, 'k');
		expect(await readRateLimit(db, 'k', 1000, 10_600)).toEqual({ count: 1, windowStart: 10_000 });
		// The window is over: a new one starts at the hit.
		expect(await hitRateLimit(db, 'k', 1000, 11_000)).toEqual({ count: 1, windowStart: 11_000 });
		expect(await readRateLimit(db, 'k', 1000, 12_500)).toEqual({ count: 0, windowStart: 12_500 });
		await clearRateLimit(db, 'k');
		expect(await readRateLimit(db, 'k', 1000, 11_001)).toEqual({ count: 0, windowStart: 11_001 });
		await hitRateLimit(db, 'old', 1000, 1);
		expect(await pruneRateLimits(db, 2)).toBe(1);
	});

	it('never loses a hit under concurrency', async () => {
		const db = getDb();
		const hits = await Promise.all(Array.from({ length: 20 }, () => hitRateLimit(db, 'busy', 60_000, 5_000)));
		expect(hits.map((hit) => hit.count).sort((a, b) => a - b)).toEqual(
			Array.from({ length: 20 }, (_, i) => i + 1)
		);
	});
});
