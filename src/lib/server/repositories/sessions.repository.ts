import type { Db, NewSession, Session } from '../db/schema';

export async function insertSession(db: Db, session: NewSession): Promise<void> {
	await db.insertInto('sessions').values(session).execute();
}

/** The session with this id (the token's hash) if it has not expired at `now`. */
export async function findLiveSession(db: Db, id: string, now: number): Promise<Session | undefined> {
	return db
		.selectFrom('sessions')
		.selectAll()
		.where('id', '=', id)
		.where('expires_at', '>', now)
		.executeTakeFirst();
}

export async function extendSession(
	db: Db,
	id: string,
	lastUsedAt: number,
	expiresAt: number
): Promise<void> {
	await db
		.updateTable('sessions')
		.set({ last_used_at: lastUsedAt, expires_at: expiresAt })
		.where('id', '=', id)
		.execute();
}

export async function deleteSession(db: Db, id: string): Promise<void> {
	await db.deleteFrom('sessions').where('id', '=', id).execute();
}

export async function deleteSessionsOfAccount(db: Db, accountId: string): Promise<void> {
	await db.deleteFrom('sessions').where('account_id', '=', accountId).execute();
}

/** Removes expired sessions; returns how many. */
export async function deleteExpiredSessions(db: Db, now: number): Promise<number> {
	const result = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
	return Number(result.numDeletedRows);
}
