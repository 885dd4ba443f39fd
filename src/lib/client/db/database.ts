// The License Manager's local database (IndexedDB through Dexie). Versions are append-only: a new
// version adds a `version(n).stores()` below the others (with an `upgrade()` when data changes),
// never edits an old one, so every device can upgrade from whatever it has.
import Dexie, { type EntityTable } from 'dexie';
import type { IdentityRow, KeyValueRow, LicenseRow, OutboxItem } from './schemas';
import type { StoreConflictRow, StoreLicenseRow, StoreProjectRow } from './store-schemas';

export const DATABASE_NAME = 'airlock-license-manager';

export class LicenseManagerDatabase extends Dexie {
	/** Local only: this device's identity; its private key never leaves the browser. */
	identity!: EntityTable<IdentityRow, 'id'>;
	/** The verified license files on this device and what was read from them. */
	licenses!: EntityTable<LicenseRow, 'licenseNumber'>;
	/** Operations waiting for the server, sent in order by the sync engine. */
	outbox!: EntityTable<OutboxItem, 'id'>;
	/** Local only: last successful sync, last error, the server's time. */
	syncState!: EntityTable<KeyValueRow, 'key'>;
	/** Local only: preferences and notices already shown. */
	settings!: EntityTable<KeyValueRow, 'key'>;
	/** The account's license list as last synced from the server (the store's offline copy). */
	storeLicenses!: EntityTable<StoreLicenseRow, 'number'>;
	/** The account's projects as last synced, deleted ones as tombstones (the merge rule needs them). */
	storeProjects!: EntityTable<StoreProjectRow, 'id'>;
	/** Edits that lost to another device's, until the user dismisses them. */
	storeConflicts!: EntityTable<StoreConflictRow, 'id'>;

	constructor(name = DATABASE_NAME) {
		super(name);
		this.version(1).stores({
			identity: 'id',
			licenses: 'licenseNumber, product, kind, parent, expiresAt',
			outbox: 'id, state, createdAt, [state+createdAt]',
			syncState: 'key',
			settings: 'key'
		});
		// Version 2 only adds the store's tables: every version 1 table and row stays as it was.
		this.version(2).stores({
			storeLicenses: 'number',
			storeProjects: 'id',
			storeConflicts: 'id'
		});
	}
}

let shared: LicenseManagerDatabase | undefined;

/** The page's (or service worker's) database, opened on first use. */
export function database(): LicenseManagerDatabase {
	shared ??= new LicenseManagerDatabase();
	return shared;
}
