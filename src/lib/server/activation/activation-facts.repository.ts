// What an activation reads before it decides: the answer stored for its request, and for each
// license it names the license, its expansions and the device's seat on it. Nothing is locked: the
// decision is written under the locks of its own transaction (SQLite) or re-checked by the one
// call that writes it (PostgreSQL, migration 0008).
import { execute, statement } from '../db/compiled';
import type { Db } from '../db/schema';
import {
	expansionsOf,
	findLicenseEntry,
	splitJoined,
	WITH_PRODUCT,
	type LicenseProductRow,
	type LicenseWithExpansions
} from '../catalogue/licenses.repository';
import { heldSeat } from './activations.repository';
import type { StoredAnswer } from './requests.repository';

/** What an activation reads of one license it names: the license, its expansions, this device's seat. */
export interface SeatFacts {
	entry: LicenseWithExpansions;
	/** The live activation this device holds on the license, if any. */
	held: string | null;
}

/** Each named license that exists, read statement by statement (SQLite: each costs microseconds). */
export async function readSeatFacts(
	db: Db,
	deviceId: string,
	numbers: readonly string[]
): Promise<Map<string, SeatFacts>> {
	const facts = new Map<string, SeatFacts>();
	for (const number of numbers) {
		const entry = await findLicenseEntry(db, number);
		if (!entry) continue;
		const held = await heldSeat(db, number, deviceId);
		facts.set(number, { entry: { ...entry, expansions: await expansionsOf(db, number) }, held });
	}
	return facts;
}

// PostgreSQL: everything an activation reads, in one round trip — the answer stored for the request
// (if any) and, for each license it names, the license, its expansions and this device's seat.
const ACTIVATION_FACTS = statement(`select
	(select row_to_json(r) from (select digest, account_id, response from requests
		where device_id = ? and nonce = ?) r) as answer,
	(select coalesce(json_agg(json_build_object(
		'license', row_to_json(lic),
		'held', (select a.id from activations a
			where a.license_number = lic.number and a.device_id = ? and a.released_at is null),
		'expansions', (select coalesce(json_agg(row_to_json(e) order by e.created_at, e.number), '[]')
			from (${WITH_PRODUCT} where l.parent_number = lic.number) e))), '[]')
		from (${WITH_PRODUCT} where l.number = any(?::text[])) lic) as licenses`);

/**
 * PostgreSQL: the stored answer to (device, nonce), and the facts of each named license that exists,
 * read in one statement (one snapshot).
 */
export async function readActivationFacts(
	db: Db,
	deviceId: string,
	nonce: string,
	numbers: readonly string[]
): Promise<{
	answer: StoredAnswer | undefined;
	seats: Map<string, SeatFacts>;
}> {
	const row = (
		await execute<{
			answer: StoredAnswer | null;
			licenses: { license: LicenseProductRow; held: string | null; expansions: LicenseProductRow[] }[];
		}>(db, ACTIVATION_FACTS, [deviceId, nonce, deviceId, numbers])
	).rows[0]!;
	const seats = new Map<string, SeatFacts>();
	for (const { license, held, expansions } of row.licenses) {
		seats.set(license.number, {
			entry: { ...splitJoined(license), expansions: expansions.map(splitJoined) },
			held
		});
	}
	return { answer: row.answer ?? undefined, seats };
}
