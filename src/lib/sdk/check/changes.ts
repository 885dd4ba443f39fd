// What a license check reads, and how a program hears that it changed (here, in another tab or
// process): the licenses, the device identity, the trusted keys and the clock.
import type { LicenseStorage, TableName } from '../platform/storage.js';

export const LICENSE_TABLES: ReadonlySet<TableName> = new Set([
	'identity',
	'licenses',
	'settings',
	'syncState'
]);

export function onLicensesChanged(storage: LicenseStorage, listener: () => void): () => void {
	return storage.subscribe((tables) => {
		if ([...tables].some((table) => LICENSE_TABLES.has(table))) listener();
	});
}
