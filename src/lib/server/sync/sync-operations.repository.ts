// Exactly-once sync: a client operation id is applied once per account; a retry gets the stored result.
import type { Db, NewSyncOperation, SyncOperation } from '../db/schema';

export async function findSyncOperation(
	db: Db,
	accountId: string,
	opId: string
): Promise<SyncOperation | undefined> {
	return db
		.selectFrom('sync_operations')
		.selectAll()
		.where('account_id', '=', accountId)
		.where('op_id', '=', opId)
		.executeTakeFirst();
}

/** Records an applied operation; false when that id was already applied for the account. */
export async function recordSyncOperation(db: Db, operation: NewSyncOperation): Promise<boolean> {
	const result = await db
		.insertInto('sync_operations')
		.values(operation)
		.onConflict((conflict) => conflict.columns(['account_id', 'op_id']).doNothing())
		.executeTakeFirst();
	return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}
