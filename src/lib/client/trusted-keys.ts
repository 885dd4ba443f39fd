// The vendor keys this device trusts, kept locally so license files verify with no network. They
// are fetched from the server whenever it is reachable (a rotation adds a key; none is ever lost
// here, so files signed by a retired key keep verifying).
import {
	publishedKeySetSchema,
	trustedKeysFrom,
	type PublishedKeySet,
	type TrustedKeys
} from '$lib/protocol/vendor-keys';
import type { ServerApi } from './api/server-api';
import type { LicenseManagerDatabase } from './db/database';

const SETTING = 'trustedKeys';

export async function loadTrustedKeys(db: LicenseManagerDatabase): Promise<TrustedKeys> {
	const row = await db.settings.get(SETTING);
	const parsed = publishedKeySetSchema.safeParse(row?.value);
	return parsed.success ? trustedKeysFrom(parsed.data) : new Map();
}

/** Merges the server's published keys into the stored set; returns the trusted keys either way. */
export async function updateTrustedKeys(db: LicenseManagerDatabase, api: ServerApi): Promise<TrustedKeys> {
	const outcome = await api.keys();
	if (outcome.kind !== 'ok') return loadTrustedKeys(db);
	const merged = await db.transaction('rw', db.settings, async () => {
		const stored = publishedKeySetSchema.safeParse((await db.settings.get(SETTING))?.value);
		const byKid = new Map<string, PublishedKeySet['keys'][number]>();
		for (const key of stored.success ? stored.data.keys : []) byKid.set(key.kid, key);
		for (const key of outcome.value.keys) byKid.set(key.kid, key);
		const merged: PublishedKeySet = { keys: [...byKid.values()] };
		await db.settings.put({ key: SETTING, value: merged });
		return merged;
	});
	// Hashed outside the transaction: IndexedDB would not wait for WebCrypto.
	return trustedKeysFrom(merged);
}
