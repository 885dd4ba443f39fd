// Opening the License Manager: the device's database, its identity and the server API, which every
// page needs at start. The workflows over it are in license-manager.ts, loaded when one runs.
import { createApiClient } from './api/api-client';
import { serverApi, type ServerApi } from './api/server-api';
import { database, type LicenseManagerDatabase } from './db/database';
import { loadDeviceIdentity, type DeviceIdentity } from './device-identity';

export interface LicenseManager {
	db: LicenseManagerDatabase;
	identity: DeviceIdentity;
	api: ServerApi;
}

export interface OpenOptions {
	db?: LicenseManagerDatabase;
	onReachability?: (reachable: boolean) => void;
	fetch?: typeof globalThis.fetch;
}

export async function openLicenseManager(options: OpenOptions = {}): Promise<LicenseManager> {
	const db = options.db ?? database();
	const identity = await loadDeviceIdentity(db);
	const api = serverApi(createApiClient({ onReachability: options.onReachability, fetch: options.fetch }));
	return { db, identity, api };
}
