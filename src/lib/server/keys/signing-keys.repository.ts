// The signing_keys and key_set tables. Every change of the key set runs in a transaction that first
// locks the key_set row (PostgreSQL: FOR UPDATE; SQLite transactions take the write lock at
// `begin`), so two nodes starting, or a node and the admin CLI, never make two active keys, and
// bumps its issue time, so every node's cached set (signing-keys.service.ts) sees the change.
import { sql } from 'kysely';
import { isPostgres } from '../db/database';
import type { Db, SigningKeyRow } from '../db/schema';

/** Locks the key set for the rest of the transaction; returns its issue time. */
export async function lockKeySet(tx: Db): Promise<number> {
	const query = tx.selectFrom('key_set').select('issued_at').where('id', '=', 1);
	const row = await (isPostgres(tx) ? query.forUpdate() : query).executeTakeFirstOrThrow();
	return Number(row.issued_at);
}

/** Records a change of the key set: its issue time grows, even if this node's clock is behind. */
export async function touchKeySet(tx: Db, previous: number, now: number): Promise<number> {
	const issuedAt = Math.max(now, previous + 1);
	await tx.updateTable('key_set').set({ issued_at: issuedAt }).where('id', '=', 1).execute();
	return issuedAt;
}

export interface KeyState {
	issuedAt: number;
	active: Pick<SigningKeyRow, 'kid' | 'public_key' | 'sealed_seed'> | null;
}

/** What a node checks every few seconds: the set's issue time and the active key (one statement). */
export async function readKeyState(db: Db): Promise<KeyState> {
	const row = await db
		.selectFrom('key_set')
		.leftJoin('signing_keys', (join) => join.on('signing_keys.status', '=', 'active'))
		.select(['key_set.issued_at', 'signing_keys.kid', 'signing_keys.public_key', 'signing_keys.sealed_seed'])
		.where('key_set.id', '=', 1)
		.executeTakeFirstOrThrow();
	return {
		issuedAt: Number(row.issued_at),
		active:
			row.kid === null || row.public_key === null
				? null
				: { kid: row.kid, public_key: row.public_key, sealed_seed: row.sealed_seed }
	};
}

export async function readIssuedAt(db: Db): Promise<number> {
	const row = await db
		.selectFrom('key_set')
		.select('issued_at')
		.where('id', '=', 1)
		.executeTakeFirstOrThrow();
	return Number(row.issued_at);
}

export async function findActiveKey(db: Db): Promise<SigningKeyRow | undefined> {
	return db.selectFrom('signing_keys').selectAll().where('status', '=', 'active').executeTakeFirst();
}

export async function findKey(db: Db, kid: string): Promise<SigningKeyRow | undefined> {
	return db.selectFrom('signing_keys').selectAll().where('kid', '=', kid).executeTakeFirst();
}

export async function insertActiveKey(
	tx: Db,
	key: {
		kid: string;
		publicKey: string;
		createdAt: number;
		sealedSeed: string | null;
		introducedBy: string | null;
		introduction: string | null;
	}
): Promise<void> {
	await tx
		.insertInto('signing_keys')
		.values({
			kid: key.kid,
			public_key: key.publicKey,
			status: 'active',
			created_at: key.createdAt,
			sealed_seed: key.sealedSeed,
			introduced_by: key.introducedBy,
			introduction: key.introduction
		})
		.execute();
}

/** Makes an existing verify-only key the active one again (an imported key that was on file). */
export async function reactivateKey(tx: Db, kid: string, sealedSeed: string | null): Promise<void> {
	await tx
		.updateTable('signing_keys')
		.set({ status: 'active', sealed_seed: sealedSeed, retired_at: null })
		.where('kid', '=', kid)
		.execute();
}

export async function attachSealedSeed(tx: Db, kid: string, sealedSeed: string): Promise<void> {
	await tx.updateTable('signing_keys').set({ sealed_seed: sealedSeed }).where('kid', '=', kid).execute();
}

/** Makes a key verify-only: it signs no more, so its private part is erased. */
export async function retireKey(tx: Db, kid: string, now: number): Promise<void> {
	await tx
		.updateTable('signing_keys')
		.set({ status: 'verify-only', sealed_seed: null, retired_at: sql<number>`coalesce(retired_at, ${now})` })
		.where('kid', '=', kid)
		.execute();
}

/** Withdraws trust in a (verify-only) key, for good. */
export async function withdrawKey(tx: Db, kid: string, now: number): Promise<void> {
	await tx
		.updateTable('signing_keys')
		.set({
			status: 'verify-only',
			sealed_seed: null,
			retired_at: sql<number>`coalesce(retired_at, ${now})`,
			withdrawn_at: now
		})
		.where('kid', '=', kid)
		.execute();
}

/** Registers the public part of a key that only verifies, leaving an existing row as it is. */
export async function insertVerifyOnlyKeyIfAbsent(
	tx: Db,
	key: { kid: string; publicKey: string; createdAt: number; retiredAt: number }
): Promise<boolean> {
	const result = await tx
		.insertInto('signing_keys')
		.values({
			kid: key.kid,
			public_key: key.publicKey,
			status: 'verify-only',
			created_at: key.createdAt,
			retired_at: key.retiredAt
		})
		.onConflict((conflict) => conflict.column('kid').doNothing())
		.executeTakeFirst();
	return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
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
