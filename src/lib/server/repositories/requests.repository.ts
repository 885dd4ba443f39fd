// Replay detection: each (device, nonce) is answered once and its answer kept.
import type { Db, NewRequestRecord, RequestRecord } from '../db/schema';

export async function getRequestRecord(
	db: Db,
	deviceId: string,
	nonce: string
): Promise<RequestRecord | undefined> {
	return db
		.selectFrom('requests')
		.selectAll()
		.where('device_id', '=', deviceId)
		.where('nonce', '=', nonce)
		.executeTakeFirst();
}

/** Stores an answered request; false when that (device, nonce) was already recorded. */
export async function putRequestRecord(db: Db, record: NewRequestRecord): Promise<boolean> {
	const result = await db
		.insertInto('requests')
		.values(record)
		.onConflict((conflict) => conflict.columns(['device_id', 'nonce']).doNothing())
		.executeTakeFirst();
	return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** Forgets requests older than `before` (requests carry a creation time, so old ones are refused anyway). */
export async function pruneRequestRecords(db: Db, before: number): Promise<number> {
	const result = await db.deleteFrom('requests').where('created_at', '<', before).executeTakeFirst();
	return Number(result.numDeletedRows);
}
