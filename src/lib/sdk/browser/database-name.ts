/** The License Manager's IndexedDB database (shared by the Dexie adapter and the read-only reader). */
export const DATABASE_NAME = 'airlock-license-manager';
