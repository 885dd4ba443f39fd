import type { Db, SigningKeyRow } from '../db/schema';

/** Registers `kid` as the one active key; every other key becomes verify-only. */
export async function registerActiveSigningKey(
	db: Db,
	key: { kid: string; publicKey: string; createdAt: number }
): Promise<void> {
	await db.updateTable('signing_keys').set({ status: 'verify-only' }).where('kid', '!=', key.kid).execute();
	await db
		.insertInto('signing_keys')
		.values({ kid: key.kid, public_key: key.publicKey, status: 'active', created_at: key.createdAt })
		.onConflict((conflict) => conflict.column('kid').doUpdateSet({ status: 'active' }))
		.execute();
}

/** Registers a key that only verifies (an old one), leaving an existing row as it is. */
export async function registerVerifyOnlySigningKey(
	db: Db,
	key: { kid: string; publicKey: string; createdAt: number }
): Promise<void> {
	await db
		.insertInto('signing_keys')
		.values({ kid: key.kid, public_key: key.publicKey, status: 'verify-only', created_at: key.createdAt })
		.onConflict((conflict) => conflict.column('kid').doNothing())
		.execute();
}

/** Every key, the active one first, then newest first. */
export async function listSigningKeys(db: Db): Promise<SigningKeyRow[]> {
	const rows = await db
		.selectFrom('signing_keys')
		.selectAll()
		.orderBy('created_at', 'desc')
		.orderBy('kid')
		.execute();
	return [...rows.filter((row) => row.status === 'active'), ...rows.filter((row) => row.status !== 'active')];
}
