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

/** The one emergency use a device reported first, whichever license it was for. */
export async function findDeviceEmergencyUse(db: Db, deviceId: string) {
	return db
		.selectFrom('emergency_device_uses')
		.select(['license_number', 'used_at'])
		.where('device_id', '=', deviceId)
		.executeTakeFirst();
}

/** Records a device's one emergency use; false when the device already has one. */
export async function recordDeviceEmergencyUse(
	db: Db,
	use: { device_id: string; license_number: string; used_at: number }
): Promise<boolean> {
	const result = await db
		.insertInto('emergency_device_uses')
		.values(use)
		.onConflict((conflict) => conflict.column('device_id').doNothing())
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

/**
 * Deletes the uses of license numbers the server does not hold that ended before `endedBefore`
 * (rows from before migration 0002 have no end: their start stands in, 5 days earlier at most).
 */
export async function pruneUnheldEmergencyUses(db: Db, endedBefore: number): Promise<number> {
	const result = await db
		.deleteFrom('emergency_uses')
		.where((eb) =>
			eb.or([
				eb('ends_at', '<', endedBefore),
				eb.and([eb('ends_at', 'is', null), eb('used_at', '<', endedBefore)])
			])
		)
		.where('license_number', 'not in', (eb) => eb.selectFrom('licenses').select('number'))
		.executeTakeFirst();
	// A device's use of a number nobody holds goes with it: it protected nothing either.
	await db
		.deleteFrom('emergency_device_uses')
		.where('license_number', 'not in', (eb) => eb.selectFrom('emergency_uses').select('license_number'))
		.execute();
	return Number(result.numDeletedRows);
}

/** Emergency uses of the account's licenses that may still be running. */
export async function listEmergencyUsesOfAccount(db: Db, accountId: string) {
	return db
		.selectFrom('emergency_uses')
		.innerJoin('licenses', 'licenses.number', 'emergency_uses.license_number')
		.select(['emergency_uses.license_number', 'emergency_uses.used_at', 'emergency_uses.ends_at'])
		.where('licenses.account_id', '=', accountId)
		.execute();
}
