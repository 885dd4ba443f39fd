// The emergency code issued for each license: one per license, kept so a second request hands out
// the same code (a code is a one-use permission; issuing a fresh one each time would multiply them).
import type { Db, EmergencyCodeRow } from '../db/schema';

export async function findEmergencyCode(
	db: Db,
	licenseNumber: string
): Promise<EmergencyCodeRow | undefined> {
	return db
		.selectFrom('emergency_codes')
		.selectAll()
		.where('license_number', '=', licenseNumber)
		.executeTakeFirst();
}

/** Stores a license's code unless it already has one; false when another request stored one first. */
export async function insertEmergencyCode(db: Db, row: EmergencyCodeRow): Promise<boolean> {
	const result = await db
		.insertInto('emergency_codes')
		.values(row)
		.onConflict((conflict) => conflict.column('license_number').doNothing())
		.executeTakeFirst();
	return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}
