import { isPostgres } from '../db/database';
import type { Account, Db, NewAccount } from '../db/schema';

/** The stored form of an e-mail address: trimmed and lower-cased, so lookups ignore case. */
export function normaliseEmail(email: string): string {
	return email.trim().toLowerCase();
}

/** Inserts an account; `email` must already be normalised. Returns false when the e-mail is taken. */
export async function insertAccount(db: Db, account: NewAccount): Promise<boolean> {
	const result = await db
		.insertInto('accounts')
		.values(account)
		.onConflict((conflict) => conflict.column('email').doNothing())
		.executeTakeFirst();
	return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function findAccountByEmail(db: Db, email: string): Promise<Account | undefined> {
	return db.selectFrom('accounts').selectAll().where('email', '=', normaliseEmail(email)).executeTakeFirst();
}

export async function findAccountById(db: Db, id: string): Promise<Account | undefined> {
	return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updatePasswordHash(db: Db, id: string, passwordHash: string): Promise<void> {
	await db.updateTable('accounts').set({ password_hash: passwordHash }).where('id', '=', id).execute();
}

export async function countAccounts(db: Db): Promise<number> {
	const row = await db
		.selectFrom('accounts')
		.select((eb) => eb.fn.countAll<number>().as('count'))
		.executeTakeFirstOrThrow();
	return Number(row.count);
}

/** Locks the account's row for the transaction (PostgreSQL; SQLite has one writer), so two edits of its store never interleave. */
export async function lockAccount(trx: Db, accountId: string): Promise<void> {
	if (isPostgres(trx))
		await trx.selectFrom('accounts').select('id').where('id', '=', accountId).forUpdate().execute();
}
