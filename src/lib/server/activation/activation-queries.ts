// The statements of the activation hot path, as compiled SQL (see db/compiled.ts for why); the
// license reads it shares with Refresh are in licenses.repository.ts.
import { execute as run, statement } from '../db/compiled';
import type { Db, NewActivation, RequestRecord } from '../db/schema';

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
