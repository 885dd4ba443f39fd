// Whether the platform keeps the storage until the user deletes it. A browser's site data is "best
// effort" by default: it may be cleared when the disk runs low, licenses and the device identity
// with it. The Storage API asks for it to be kept (`navigator.storage.persist()`); browsers decide
// by their own rules (Chromium grants it to an installed app, a bookmarked or much-used site, and
// without a prompt; Firefox asks the user). A folder on disk (Node) is always kept.

export interface StorageDurability {
	/** Whether the storage is kept until the user deletes it; null when the platform cannot say. */
	persisted(): Promise<boolean | null>;
	/** Asks for it to be kept; whether it is (null when the platform cannot ask). */
	persist(): Promise<boolean | null>;
}

/** What the user is told: kept, may be cleared (suggest a backup), or unknown. */
export type DurabilityState = 'persistent' | 'best-effort' | 'unknown';

const stateOf = (kept: boolean | null): DurabilityState =>
	kept === null ? 'unknown' : kept ? 'persistent' : 'best-effort';

/** Reads the state without asking. */
export async function readDurability(durability: StorageDurability): Promise<DurabilityState> {
	try {
		return stateOf(await durability.persisted());
	} catch {
		return 'unknown';
	}
}

/**
 * Asks for durable storage unless it is already granted (asking again is harmless, but Firefox
 * shows its prompt each time). A refusal is an answer, not an error.
 */
export async function askForDurability(durability: StorageDurability): Promise<DurabilityState> {
	try {
		if ((await durability.persisted()) === true) return 'persistent';
		return stateOf(await durability.persist());
	} catch {
		return 'unknown';
	}
}

/** A folder on disk: kept until deleted. */
export const alwaysDurable: StorageDurability = {
	persisted: async () => true,
	persist: async () => true
};
