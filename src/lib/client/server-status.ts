// Asking the activation server how it is: reachability and latency, its version, its signed time (for
// the trusted clock) and the vendor's contacts, which are kept so the troubleshooting page can show
// whom to call when the server is the thing that is down.
import { vendorContactsSchema, type HealthResponse, type VendorContacts } from '$lib/protocol/health';
import type { ApiOutcome } from './api/api-client';
import type { LicenseManagerDatabase } from './db/database';
import type { LicenseManager } from './manager';
import { keepServerTime } from './time/clock-store';
import { updateTrustedKeys } from './trusted-keys';

const VENDOR_CONTACTS_SETTING = 'vendorContacts';

export interface ServerCheck {
	outcome: ApiOutcome<HealthResponse>;
	/** Round trip of the health request, in milliseconds. */
	latencyMs: number;
}

/** One health request; when it answers, the time, the contacts and the trusted keys are updated. */
export async function checkServer(manager: LicenseManager): Promise<ServerCheck> {
	const started = performance.now();
	const outcome = await manager.api.health();
	const latencyMs = Math.round(performance.now() - started);
	if (outcome.kind === 'ok') {
		await keepServerTime(manager.db, outcome.value.signedTime, Date.now());
		await manager.db.settings.put({ key: VENDOR_CONTACTS_SETTING, value: outcome.value.vendor });
		await updateTrustedKeys(manager.db, manager.api);
	}
	return { outcome, latencyMs };
}

/** The vendor's contacts as last received from the server, or null before the first answer. */
export async function loadVendorContacts(db: LicenseManagerDatabase): Promise<VendorContacts | null> {
	const parsed = vendorContactsSchema.safeParse((await db.settings.get(VENDOR_CONTACTS_SETTING))?.value);
	return parsed.success ? parsed.data : null;
}
