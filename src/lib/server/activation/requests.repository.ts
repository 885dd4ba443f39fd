// Replay records: every request answered, by (device, nonce), with the answer given. Storing and
// reading them is on the activation hot path (compiled SQL, see db/compiled.ts); old ones are pruned
// once their requests can no longer be accepted.
import { execute as run, statement } from '../db/compiled';
import type { Db, RequestRecord } from '../db/schema';

const STORED_ANSWER = statement(
	`select digest, account_id, response from requests where device_id = ? and nonce = ?`
);

export type StoredAnswer = Pick<RequestRecord, 'digest' | 'account_id' | 'response'>;

/** What was recorded for this (device, nonce), if it was answered before. */
export async function storedAnswer(
	db: Db,
	deviceId: string,
	nonce: string
): Promise<StoredAnswer | undefined> {
	return (await run<StoredAnswer>(db, STORED_ANSWER, [deviceId, nonce])).rows[0];
}

const STORE_ANSWER = statement(
	`insert into requests (device_id, nonce, digest, account_id, response, created_at)
	values (?, ?, ?, ?, ?, ?) on conflict (device_id, nonce) do nothing`
);

/** Records the answer to a request; false when another transaction recorded one for it first. */
export async function storeAnswer(trx: Db, record: RequestRecord): Promise<boolean> {
	const result = await run(trx, STORE_ANSWER, [
		record.device_id,
		record.nonce,
		record.digest,
		record.account_id,
		record.response,
		record.created_at
	]);
	return Number(result.numAffectedRows ?? 0) === 1;
}

/** Forgets requests older than `before` (requests carry a creation time, so old ones are refused anyway). */
export async function pruneRequestRecords(db: Db, before: number): Promise<number> {
	const result = await db.deleteFrom('requests').where('created_at', '<', before).executeTakeFirst();
	return Number(result.numDeletedRows);
}
