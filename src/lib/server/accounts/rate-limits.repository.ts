// Fixed-window counters. Each hit is one atomic upsert, so concurrent requests on any app node can
// never both see "one attempt left".
import { sql } from 'kysely';
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

/** A LIKE pattern for keys starting with `prefix`, whose wildcards (`_` is common in e-mails) match themselves. */
function startsWith(prefix: string) {
	const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
	// SQLite has no default escape character; PostgreSQL's is the same backslash.
	return sql<boolean>`${sql.ref('key')} like ${pattern} escape '\\'`;
}

/** The counters named in `keys` or starting with `prefix`. */
export function rateLimitCounters(db: Db, which: { keys: string[]; prefix: string }) {
	return db
		.selectFrom('rate_limits')
		.select(['key', 'count', 'window_start'])
		.where((eb) => eb.or([eb('key', 'in', which.keys), startsWith(which.prefix)]))
		.execute();
}

export async function deleteRateLimits(db: Db, keys: string[]): Promise<void> {
	if (keys.length > 0) await db.deleteFrom('rate_limits').where('key', 'in', keys).execute();
}
