// Replay records: old ones are pruned once their requests can no longer be accepted. Storing and
// reading them is on the activation hot path, in activation/activation-queries.ts.
import type { Db } from '../db/schema';

/** Forgets requests older than `before` (requests carry a creation time, so old ones are refused anyway). */
export async function pruneRequestRecords(db: Db, before: number): Promise<number> {
	const result = await db.deleteFrom('requests').where('created_at', '<', before).executeTakeFirst();
	return Number(result.numDeletedRows);
}
