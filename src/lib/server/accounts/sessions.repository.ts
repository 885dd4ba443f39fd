import { execute, statement } from '../db/compiled';
import type { Db, NewSession, Session } from '../db/schema';

export async function insertSession(db: Db, session: NewSession): Promise<void> {
	await db.insertInto('sessions').values(session).execute();
}

// Every signed-in request runs this: compiled SQL (db/compiled.ts).
const LIVE_SESSION = statement(
	`select s.id, s.account_id, s.created_at, s.expires_at, s.last_used_at, a.email
	from sessions s join accounts a on a.id = s.account_id where s.id = ? and s.expires_at > ?`
);

/** The session with this id (the token's hash), with its account's e-mail, if it has not expired at `now`. */
export async function findLiveSession(
	db: Db,
	id: string,
	now: number
): Promise<(Session & { email: string }) | undefined> {
	return (await execute<Session & { email: string }>(db, LIVE_SESSION, [id, now])).rows[0];
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

/** Ends every session of an account (but `except`, when given); returns how many. */
export async function deleteSessionsOfAccount(
	db: Db,
	accountId: string,
	{ except }: { except?: string | null } = {}
): Promise<number> {
	let query = db.deleteFrom('sessions').where('account_id', '=', accountId);
	if (except) query = query.where('id', '!=', except);
	return Number((await query.executeTakeFirst()).numDeletedRows);
}

/** Removes expired sessions; returns how many. */
export async function deleteExpiredSessions(db: Db, now: number): Promise<number> {
	const result = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
	return Number(result.numDeletedRows);
}
