// Every statement on the `activations` table. The activation hot path's are compiled SQL (see
// db/compiled.ts for why); the seats in use are counted on the license row itself (migration 0004).
import { encodeBase64url } from '$lib/protocol/base64url';
import { execute as run, statement } from '../db/compiled';
import type { Activation, AuditEventRow, Db, NewActivation, RequestRecord } from '../db/schema';

// The seats in use are counted on the license row itself (migration 0004), read with it; this is
// the one seat lookup left, by index.
const HELD_SEAT = statement(
	`select id from activations where license_number = ? and device_id = ? and released_at is null`
);

/** The live activation this device holds on the license, if any. */
export async function heldSeat(trx: Db, number: string, deviceId: string): Promise<string | null> {
	return (await run<{ id: string }>(trx, HELD_SEAT, [number, deviceId])).rows[0]?.id ?? null;
}

const INSERT_ACTIVATION = statement(
	`insert into activations (id, license_number, device_id, device_public_key, account_id,
	first_activated_at, last_issued_at, last_seen_at, released_at, release_reason)
	values (?, ?, ?, ?, ?, ?, ?, ?, null, null)`
);

export async function insertActivation(
	trx: Db,
	activation: Omit<NewActivation, 'released_at' | 'release_reason'>
): Promise<void> {
	await run(trx, INSERT_ACTIVATION, [
		activation.id,
		activation.license_number,
		activation.device_id,
		activation.device_public_key,
		activation.account_id,
		activation.first_activated_at,
		activation.last_issued_at,
		activation.last_seen_at
	]);
}

const REISSUED = statement(`update activations set last_seen_at = ?, last_issued_at = ? where id = ?`);

/** The device holding the seat was seen, and given a fresh file, at `now`. */
export async function markReissued(trx: Db, id: string, now: number): Promise<void> {
	await run(trx, REISSUED, [now, now, id]);
}

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

/**
 * What one device holds for one account: its live activations, and the licenses whose seat on this
 * device was released (and not taken again), which Refresh reports as revoked.
 */
export async function deviceActivationsForAccount(
	db: Db,
	accountId: string,
	device: { deviceId: string; devicePublicKey: Uint8Array }
): Promise<{ active: Activation[]; released: string[] }> {
	const rows = await db
		.selectFrom('activations')
		.selectAll()
		.where('device_id', '=', device.deviceId)
		.where('account_id', '=', accountId)
		// The device id is derived from the key; comparing the key too makes the binding explicit.
		.where('device_public_key', '=', encodeBase64url(device.devicePublicKey))
		.orderBy('first_activated_at')
		.orderBy('id')
		.execute();
	const active = rows.filter((row) => row.released_at === null);
	const held = new Set(active.map((row) => row.license_number));
	const released = [
		...new Set(
			rows
				.filter((row) => row.released_at !== null && !held.has(row.license_number))
				.map((row) => row.license_number)
		)
	];
	return { active, released };
}

/**
 * Of `numbers`, the licenses this device held a seat of and holds none of now (released since).
 * Numbers it never held a seat of (expansions, which ride on their license's seat) are not listed.
 */
export async function seatsReleasedSince(db: Db, deviceId: string, numbers: string[]): Promise<string[]> {
	if (numbers.length === 0) return [];
	const rows = await db
		.selectFrom('activations')
		.select(['license_number', 'released_at'])
		.where('device_id', '=', deviceId)
		.where('license_number', 'in', numbers)
		.execute();
	const held = new Set(rows.filter((row) => row.released_at === null).map((row) => row.license_number));
	return [...new Set(rows.map((row) => row.license_number))].filter((number) => !held.has(number)).sort();
}

/** Live activations of the account's licenses. */
export async function listLiveActivationsOfAccount(db: Db, accountId: string) {
	return db
		.selectFrom('activations')
		.innerJoin('licenses', 'licenses.number', 'activations.license_number')
		.select([
			'activations.license_number',
			'activations.device_id',
			'activations.first_activated_at',
			'activations.last_seen_at'
		])
		.where('licenses.account_id', '=', accountId)
		.where('activations.released_at', 'is', null)
		.orderBy('activations.first_activated_at')
		.orderBy('activations.id')
		.execute();
}

/** One seat an activation decided on, as PostgreSQL's record_activation re-checks and writes it. */
export interface DecidedSeat {
	number: string;
	account_id: string;
	/** The license's revision the decision read. */
	revision: number;
	/** The live activation renewed, or null for a seat to take (under activation_id). */
	held: string | null;
	activation_id: string;
	device_public_key: string;
}

const RECORD_ACTIVATION = statement(`select record_activation(?::jsonb, ?::jsonb, ?::jsonb) as written`);

/** A unique index a write ran into, when it ran into one (PostgreSQL's unique_violation). */
function uniqueViolationOf(error: unknown): string | null {
	if (typeof error !== 'object' || error === null) return null;
	const { code, constraint } = error as { code?: unknown; constraint?: unknown };
	return code === '23505' && typeof constraint === 'string' ? constraint : null;
}

/**
 * PostgreSQL: writes a decided activation in one call (migration 0008): 'written'; 'stale' when a
 * license changed since it was read, and nothing was written; 'answered' when a copy of the same
 * request was answered meanwhile.
 */
export async function recordActivation(
	db: Db,
	activation: { request: RequestRecord; seats: DecidedSeat[]; audit: AuditEventRow[] }
): Promise<'written' | 'stale' | 'answered'> {
	try {
		const result = await run<{ written: boolean }>(db, RECORD_ACTIVATION, [
			JSON.stringify(activation.request),
			JSON.stringify(activation.seats),
			JSON.stringify(activation.audit)
		]);
		return result.rows[0]?.written ? 'written' : 'stale';
	} catch (error) {
		const violated = uniqueViolationOf(error);
		if (violated === 'requests_pk') return 'answered';
		// The same device took the seat meanwhile (another request of its own).
		if (violated === 'activations_active_device') return 'stale';
		throw error;
	}
}
