// The vendor keys this device trusts, kept in the core's storage so license files verify with no
// network. They are brought up to date from the server whenever it is reachable.
import {
	publishedKeySetSchema,
	trustedKeysFrom,
	type PublishedKeySet,
	type TrustedKeys
} from '$lib/protocol/vendor-keys.js';
import { verifySealKey, type SealPublicKey } from '$lib/protocol/seal-key.js';
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

/** Merges the server's published keys into the stored set; returns the trusted keys either way. */
export async function updateTrustedKeys(storage: LicenseStorage, api: ServerApi): Promise<TrustedKeys> {
	const outcome = await api.keys();
	if (outcome.kind !== 'ok') return loadTrustedKeys(storage);
	const merged = await storage.transaction('rw', ['settings'], async (tx) => {
		const byKid = new Map<string, PublishedKeySet['keys'][number]>();
		for (const key of (await storedKeySet(tx))?.keys ?? []) byKid.set(key.kid, key);
		for (const key of outcome.value.keys) byKid.set(key.kid, key);
		const merged: PublishedKeySet = { keys: [...byKid.values()] };
		const seal = outcome.value.seal ?? (await storedKeySet(tx))?.seal;
		if (seal) merged.seal = seal;
		await tx.put('settings', { key: SETTING, value: merged });
		return merged;
	});
	// Hashed outside the transaction: the storage would not wait for WebCrypto.
	return trustedKeysFrom(merged);
}

/** Adds keys given by the vendor's program (its bundled key set) to the stored set. */
export async function mergeTrustedKeys(storage: LicenseStorage, given: PublishedKeySet): Promise<void> {
	await storage.transaction('rw', ['settings'], async (tx) => {
		const byKid = new Map<string, PublishedKeySet['keys'][number]>();
		for (const key of (await storedKeySet(tx))?.keys ?? []) byKid.set(key.kid, key);
		for (const key of given.keys) if (!byKid.has(key.kid)) byKid.set(key.kid, key);
		const merged: PublishedKeySet = { keys: [...byKid.values()] };
		const seal = (await storedKeySet(tx))?.seal ?? given.seal;
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
