// The vendor keys this device trusts, kept in the core's storage so license files verify with no
// network. They are brought up to date from the server whenever it is reachable, and only from a key
// set the vendor signed (protocol/key-set.ts).
import {
	publishedKeySetSchema,
	trustedKeysFrom,
	type PublishedKeySet,
	type TrustedKeys
} from '$lib/protocol/vendor-keys.js';
import { verifySealKey, type SealPublicKey } from '$lib/protocol/seal-key.js';
import { judgeKeySet, mergeAcceptedKeySet } from '$lib/protocol/key-set.js';
import type { ServerApi } from './api/server-api.js';
import type { LicenseStorage, StorageTransaction } from './platform/storage.js';

const SETTING = 'trustedKeys';

async function storedKeySet(tx: StorageTransaction): Promise<PublishedKeySet | null> {
	const parsed = publishedKeySetSchema.safeParse((await tx.get('settings', SETTING))?.value);
	return parsed.success ? parsed.data : null;
}

export async function loadTrustedKeys(storage: LicenseStorage): Promise<TrustedKeys> {
	const stored = await storage.transaction('r', ['settings'], storedKeySet);
	return stored ? trustedKeysFrom(stored) : new Map();
}

/**
 * Takes the server's key set if it is the vendor's word and newer than the stored one (signed by a
 * key this device trusts, or introduced by one: FORMATS.md §6.2); a forged, unsigned or replayed
 * answer changes nothing. Returns the trusted keys either way.
 */
export async function updateTrustedKeys(storage: LicenseStorage, api: ServerApi): Promise<TrustedKeys> {
	const outcome = await api.keys();
	if (outcome.kind !== 'ok') return loadTrustedKeys(storage);
	const received = outcome.value;
	// Judged outside the transaction (the storage would not wait for WebCrypto), then written only if
	// the stored set is still the one judged against: a concurrent update wins, never a mix of both.
	const before = await storage.transaction('r', ['settings'], storedKeySet);
	const verdict = await judgeKeySet(received, before);
	if (!verdict.accept) return before ? trustedKeysFrom(before) : new Map();
	const merged = await storage.transaction('rw', ['settings'], async (tx) => {
		const current = await storedKeySet(tx);
		if (JSON.stringify(current) !== JSON.stringify(before)) return current;
		const next = mergeAcceptedKeySet(received, current);
		await tx.put('settings', { key: SETTING, value: next });
		return next;
	});
	return merged ? trustedKeysFrom(merged) : new Map();
}

/**
 * Adds keys given by the vendor's program (its bundled key set) to the stored set, except those
 * withdrawn (by the stored set or the bundled one): a bundle made before a withdrawal never brings
 * the key back.
 */
export async function mergeTrustedKeys(storage: LicenseStorage, given: PublishedKeySet): Promise<void> {
	await storage.transaction('rw', ['settings'], async (tx) => {
		const stored = await storedKeySet(tx);
		const withdrawn = [...new Set([...(stored?.withdrawn ?? []), ...(given.withdrawn ?? [])])].slice(0, 64);
		const gone = new Set(withdrawn);
		const byKid = new Map<string, PublishedKeySet['keys'][number]>();
		for (const key of stored?.keys ?? []) if (!gone.has(key.kid)) byKid.set(key.kid, key);
		for (const key of given.keys) if (!byKid.has(key.kid) && !gone.has(key.kid)) byKid.set(key.kid, key);
		const merged: PublishedKeySet = { keys: [...byKid.values()].slice(0, 64) };
		if (withdrawn.length > 0) merged.withdrawn = withdrawn;
		if (stored?.issuedAt !== undefined) merged.issuedAt = stored.issuedAt;
		const seal = stored?.seal ?? given.seal;
		if (seal) merged.seal = seal;
		await tx.put('settings', { key: SETTING, value: merged });
	});
}

/**
 * The server's key-agreement key to seal a queued operation's authorization to, if this device has
 * one that a trusted signing key vouches for (from the last contact, or the vendor's shipped set).
 */
export async function loadSealKey(storage: LicenseStorage): Promise<SealPublicKey | null> {
	const stored = await storage.transaction('r', ['settings'], storedKeySet);
	if (!stored?.seal) return null;
	return verifySealKey(stored.seal, await trustedKeysFrom(stored));
}
