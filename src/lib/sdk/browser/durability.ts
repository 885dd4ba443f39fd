// The Storage API's durability in a browser (platform/durability.ts).
import type { StorageDurability } from '../platform/durability.js';

export function browserDurability(
	storage: StorageManager | undefined = globalThis.navigator?.storage
): StorageDurability {
	return {
		persisted: async () => (storage?.persisted ? storage.persisted() : null),
		persist: async () => (storage?.persist ? storage.persist() : null)
	};
}
