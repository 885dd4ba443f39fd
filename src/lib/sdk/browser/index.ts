// The client core's adapters for browsers (pages, service workers): IndexedDB through Dexie, the file
// pickers, the camera, Background Sync. `browserPlatform()` gives them together for openLicenses.
import { requestBackgroundSync } from './background-sync';
import { dexieStorage, LicenseManagerDatabase } from './dexie-storage';
import { browserFiles } from './files';

export { requestBackgroundSync, SYNC_TAG } from './background-sync';
export { DATABASE_NAME, dexieStorage, LicenseManagerDatabase } from './dexie-storage';
export { browserFiles } from './files';
export { indexedDbReader } from './indexeddb-reader';

/** The storage, files and Background Sync of this browser, for openLicenses. */
export function browserPlatform(options: { databaseName?: string } = {}) {
	return {
		storage: dexieStorage(new LicenseManagerDatabase(options.databaseName)),
		files: browserFiles(),
		afterQueue: requestBackgroundSync
	};
}
