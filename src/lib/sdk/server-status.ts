// Asking the activation server how it is: reachability and latency, its version, its signed time (for
// the trusted clock) and the vendor's contacts, which are kept so a troubleshooting page can show
// whom to call when the server is the thing that is down.
import { vendorContactsSchema, type HealthResponse, type VendorContacts } from '$lib/protocol/health.js';
import type { ApiOutcome } from './api/api-client.js';
import type { Core } from './core.js';
import { recordServerContact } from './outbox/outbox.js';
import type { LicenseStorage } from './platform/storage.js';
import { keepServerTime } from './time/clock-store.js';
import { answersRequest, newTimeRequest } from './time/time-nonce.js';
import { updateTrustedKeys } from './trusted-keys.js';

const VENDOR_CONTACTS_SETTING = 'vendorContacts';

export interface ServerCheck {
	outcome: ApiOutcome<HealthResponse>;
	/** Round trip of the health request, in milliseconds. */
	latencyMs: number;
}

/** One health request; when it answers, the time, the contacts and the trusted keys are updated. */
export async function checkServer(core: Core): Promise<ServerCheck> {
	const time = newTimeRequest();
	const outcome = await core.api.health(time.nonce);
	const receivedAt = performance.now();
	const latencyMs = Math.round(receivedAt - time.startedAt);
	if (outcome.kind === 'ok') {
		const health = outcome.value;
		const now = core.clock.now();
		const fresh = answersRequest(time, health.signedTime, receivedAt);
		await core.storage.transaction('rw', ['syncState', 'settings'], async (tx) => {
			await keepServerTime(tx, health.signedTime, now, fresh);
			await recordServerContact(tx, now, health.serverTime);
			await tx.put('settings', { key: VENDOR_CONTACTS_SETTING, value: health.vendor });
		});
		await updateTrustedKeys(core.storage, core.api);
	}
	return { outcome, latencyMs };
}

/** The vendor's contacts as last received from the server, or null before the first answer. */
export async function loadVendorContacts(storage: LicenseStorage): Promise<VendorContacts | null> {
	const row = await storage.transaction('r', ['settings'], (tx) =>
		tx.get('settings', VENDOR_CONTACTS_SETTING)
	);
	const parsed = vendorContactsSchema.safeParse(row?.value);
	return parsed.success ? parsed.data : null;
}
