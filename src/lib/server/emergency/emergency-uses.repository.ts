// Emergency Activation can be used once per license: the primary key on license_number enforces it.
import type { Db, EmergencyUse, NewEmergencyUse } from '../db/schema';

export async function findEmergencyUse(db: Db, licenseNumber: string): Promise<EmergencyUse | undefined> {
	return db
		.selectFrom('emergency_uses')
		.selectAll()
		.where('license_number', '=', licenseNumber)
		.executeTakeFirst();
}

/** Records the one emergency use of a license; false when it was already used. */
export async function recordEmergencyUse(db: Db, use: NewEmergencyUse): Promise<boolean> {
	const result = await db
		.insertInto('emergency_uses')
		.values(use)
		.onConflict((conflict) => conflict.column('license_number').doNothing())
		.executeTakeFirst();
	return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** Notes when the client reported the use to the server (it may happen offline, long before). */
export async function markEmergencyUseReported(
	db: Db,
	licenseNumber: string,
	reportedAt: number
): Promise<void> {
	await db
		.updateTable('emergency_uses')
		.set({ reported_at: reportedAt })
		.where('license_number', '=', licenseNumber)
		.where('reported_at', 'is', null)
		.execute();
}
