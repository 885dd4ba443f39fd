// What the home page's first view shows, read without Dexie: the stored licenses, the clock they are
// judged by and the device's id, through the SDK's read-only IndexedDB reader (about 1 KB against
// Dexie's 30 KB gzip). The rest of the app (Dexie, the core, the workflows) loads once this is on
// screen (app-state.svelte.ts) and then reads the same rows again, as the source of truth.
import { clockVerdict, initialClockState, observeDeviceTime } from '$lib/protocol/trusted-clock.js';
import { indexedDbReader } from '$lib/sdk/browser/indexeddb-reader';
import type { LicenseClock } from '$lib/sdk/licenses/license-view';
import { readLicenses } from '$lib/sdk/licenses/license-rows';
import { IDENTITY_ROW_ID, type LicenseRow } from '$lib/sdk/rows';
import { CLOCK_KEY, storedClockState } from '$lib/sdk/time/clock-state';

export interface FirstView {
	licenses: LicenseRow[];
	clock: LicenseClock;
	/** Null on a device with no identity yet (nothing activated, nothing stored). */
	deviceId: string | null;
}

/**
 * Reads the first view from this browser's database, creating nothing (no database: no licenses).
 * The clock is the stored trusted clock observed at `deviceNow` as readClock observes it, without
 * applying a signed server time still waiting (that needs the vendor keys and a signature check; the
 * app applies it as soon as it opens, a moment later).
 */
export async function readFirstView(deviceNow: number, database?: string): Promise<FirstView> {
	const storage = await indexedDbReader(database);
	try {
		const [licenses, [clockRow, identity]] = await Promise.all([
			readLicenses(storage),
			storage.transaction('r', ['syncState', 'identity'], (tx) =>
				Promise.all([tx.get('syncState', CLOCK_KEY), tx.get('identity', IDENTITY_ROW_ID)])
			)
		]);
		const state = observeDeviceTime(
			storedClockState(clockRow?.value, identity, deviceNow) ?? initialClockState(deviceNow),
			deviceNow
		);
		const deviceId = (identity as { deviceId?: unknown } | undefined)?.deviceId;
		return {
			licenses,
			clock: clockVerdict(state, deviceNow),
			deviceId: typeof deviceId === 'string' ? deviceId : null
		};
	} finally {
		// Never held open: a connection left here would block the app's own upgrade of the database.
		await storage.close();
	}
}
