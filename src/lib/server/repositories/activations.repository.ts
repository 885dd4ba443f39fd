import type { Activation, Db, NewActivation } from '../db/schema';

export async function findActiveActivation(
	db: Db,
	licenseNumber: string,
	deviceId: string
): Promise<Activation | undefined> {
	return db
		.selectFrom('activations')
		.selectAll()
		.where('license_number', '=', licenseNumber)
		.where('device_id', '=', deviceId)
		.where('released_at', 'is', null)
		.executeTakeFirst();
}

/** Seats in use: live (not released) activations of the license. */
export async function countActiveSeats(db: Db, licenseNumber: string): Promise<number> {
	const row = await db
		.selectFrom('activations')
		.select((eb) => eb.fn.countAll<number>().as('count'))
		.where('license_number', '=', licenseNumber)
		.where('released_at', 'is', null)
		.executeTakeFirstOrThrow();
	return Number(row.count);
}

export async function insertActivation(db: Db, activation: NewActivation): Promise<void> {
	await db.insertInto('activations').values(activation).execute();
}

/** Records that the device was seen, and (when a file was issued) when. */
export async function touchActivation(
	db: Db,
	id: string,
	at: { lastSeenAt: number; lastIssuedAt?: number }
): Promise<void> {
	await db
		.updateTable('activations')
		.set({
			last_seen_at: at.lastSeenAt,
			...(at.lastIssuedAt !== undefined ? { last_issued_at: at.lastIssuedAt } : {})
		})
		.where('id', '=', id)
		.execute();
}

/** Frees the seat, keeping the row as history; true when the activation was live. */
export async function releaseActivation(db: Db, id: string, now: number, reason = 'owner'): Promise<boolean> {
	const result = await db
		.updateTable('activations')
		.set({ released_at: now, release_reason: reason })
		.where('id', '=', id)
		.where('released_at', 'is', null)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) === 1;
}

export async function listActivationsOfLicense(
	db: Db,
	licenseNumber: string,
	{ includeReleased = false }: { includeReleased?: boolean } = {}
): Promise<Activation[]> {
	let query = db.selectFrom('activations').selectAll().where('license_number', '=', licenseNumber);
	if (!includeReleased) query = query.where('released_at', 'is', null);
	return query.orderBy('first_activated_at').orderBy('id').execute();
}

export async function listActiveActivationsOfDevice(db: Db, deviceId: string): Promise<Activation[]> {
	return db
		.selectFrom('activations')
		.selectAll()
		.where('device_id', '=', deviceId)
		.where('released_at', 'is', null)
		.orderBy('first_activated_at')
		.orderBy('id')
		.execute();
}
