// What every part of the client core works with: the platform's adapters and this device's identity,
// put together once by openLicenses (index.ts) and passed to each workflow.
import type { ServerApi } from './api/server-api';
import type { DeviceIdentity } from './identity';
import type { Clock } from './platform/clock';
import type { LicenseStorage } from './platform/storage';

export interface Core {
	storage: LicenseStorage;
	identity: DeviceIdentity;
	api: ServerApi;
	clock: Clock;
	/** The activation portal's address, written into reg.txt and the request QR code. */
	portalUrl: string;
	/** Told when work was queued for the server (a browser asks for Background Sync then). */
	afterQueue?: () => Promise<void>;
}
