// The client core's adapters for browsers (pages, service workers): IndexedDB through Dexie, the file
// pickers, the camera, Background Sync. `browserPlatform()` gives them together for openLicenses.
import { requestBackgroundSync } from './background-sync.js';
import { dexieStorage, LicenseManagerDatabase } from './dexie-storage.js';
import { browserFiles } from './files.js';
import { browserDurability } from './durability.js';

export { requestBackgroundSync, SYNC_TAG } from './background-sync.js';
export { DATABASE_NAME, dexieStorage, LicenseManagerDatabase } from './dexie-storage.js';
export { browserFiles } from './files.js';
export { browserDurability } from './durability.js';
export { indexedDbReader } from './indexeddb-reader.js';

/** The storage, files and Background Sync of this browser, for openLicenses. */
export function browserPlatform(options: { databaseName?: string } = {}) {
	return {
		storage: dexieStorage(new LicenseManagerDatabase(options.databaseName)),
		files: browserFiles(),
		durability: browserDurability(),
		afterQueue: requestBackgroundSync
	};
}
