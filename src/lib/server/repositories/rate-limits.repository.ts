// Fixed-window counters. Each hit is one atomic upsert, so concurrent requests on any app node can
// never both see "one attempt left".
import type { Db } from '../db/schema';

export interface WindowCount {
	count: number;
	windowStart: number;
}

/**
 * Adds one to `key`'s counter, starting a new window when the current one (of `windowMs`) is over,
 * and returns the counter after the hit.
 */
export async function hitRateLimit(db: Db, key: string, windowMs: number, now: number): Promise<WindowCount> {
	const expired = now - windowMs;
	const row = await db
		.insertInto('rate_limits')
		.values({ key, window_start: now, count: 1 })
		.onConflict((conflict) =>
			conflict.column('key').doUpdateSet((eb) => ({
				count: eb
					.case()
					.when('rate_limits.window_start', '<=', expired)
					.then(1)
					.else(eb('rate_limits.count', '+', 1))
					.end(),
				window_start: eb
					.case()
					.when('rate_limits.window_start', '<=', expired)
					.then(now)
					.else(eb.ref('rate_limits.window_start'))
					.end()
			}))
		)
		.returning(['count', 'window_start'])
		.executeTakeFirstOrThrow();
	return { count: Number(row.count), windowStart: Number(row.window_start) };
}

/** Takes back one hit (e.g. an attempt that turned out to be legitimate). */
export async function refundRateLimit(db: Db, key: string): Promise<void> {
	await db
		.updateTable('rate_limits')
		.set((eb) => ({ count: eb('count', '-', 1) }))
		.where('key', '=', key)
		.where('count', '>', 0)
		.execute();
}

export async function readRateLimit(
	db: Db,
	key: string,
	windowMs: number,
	now: number
): Promise<WindowCount> {
	const row = await db.selectFrom('rate_limits').selectAll().where('key', '=', key).executeTakeFirst();
	if (!row || row.window_start <= now - windowMs) return { count: 0, windowStart: now };
	return { count: row.count, windowStart: row.window_start };
}

export async function clearRateLimit(db: Db, key: string): Promise<void> {
	await db.deleteFrom('rate_limits').where('key', '=', key).execute();
}

/** Removes counters whose window started before `before`. */
export async function pruneRateLimits(db: Db, before: number): Promise<number> {
	const result = await db.deleteFrom('rate_limits').where('window_start', '<', before).executeTakeFirst();
	return Number(result.numDeletedRows);
}
