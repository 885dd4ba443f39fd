// What one device holds for one account: its live activations, and the licenses whose seat on
// this device was released (and not taken again), which Refresh reports as revoked.
import type { RegistrationRequest } from '$lib/protocol/reg-file';
import { encodeBase64url } from '$lib/protocol/base64url';
import type { Account, Activation, Db } from '../db/schema';
import { findAccountByEmail } from '../repositories/accounts.repository';

export async function deviceActivationsForAccount(
	db: Db,
	request: RegistrationRequest
): Promise<{ account: Account | undefined; active: Activation[]; released: string[] }> {
	const account = await findAccountByEmail(db, request.email);
	if (!account) return { account, active: [], released: [] };
	const rows = await db
		.selectFrom('activations')
		.selectAll()
		.where('device_id', '=', request.deviceId)
		.where('account_id', '=', account.id)
		// The device id is derived from the key; comparing the key too makes the binding explicit.
		.where('device_public_key', '=', encodeBase64url(request.devicePublicKey))
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
	return { account, active, released };
}
