// The trusted clock's state, kept in IndexedDB so a restart (or clearing nothing but the page) does
// not reset the high-water mark. Signed server times arrive with each sync and each health check;
// they are verified against the trusted vendor keys before they count.
import { verifyServerTime } from '$lib/protocol/server-time';
import { nullable, number, object, parser, string, type Check } from '$lib/protocol/shape';
import type { LicenseManagerDatabase } from '../db/database';
import { loadTrustedKeys } from '../trusted-keys';
import {
	clockVerdict,
	confirmServerTime,
	initialClockState,
	observeDeviceTime,
	type ClockState,
	type ClockVerdict
} from './trusted-clock';

const CLOCK_KEY = 'clock';
/** A signed server time received (by the page or the service worker) and not yet applied. */
const PENDING_SERVER_TIME_KEY = 'pendingServerTime';

// Checked without zod (shape.ts): the clock is read at every start.
const epochMs = number({ int: true });
const clockStateSchema = parser(
	'clock state',
	object({
		markMs: epochMs,
		lastCorrectedMs: epochMs,
		offsetMs: epochMs,
		frozenMs: number({ int: true, min: 0 }),
		serverTimeMs: nullable(epochMs),
		serverTimeReceivedAtMs: nullable(epochMs)
	}) satisfies Check<ClockState>
);

const pendingServerTimeSchema = parser(
	'pending server time',
	object({ statement: string(), receivedAt: epochMs })
);

export interface ClockReading {
	state: ClockState;
	verdict: ClockVerdict;
}

async function storedState(db: LicenseManagerDatabase, deviceNow: number): Promise<ClockState> {
	const parsed = clockStateSchema.safeParse((await db.syncState.get(CLOCK_KEY))?.value);
	return parsed.success ? parsed.data : initialClockState(deviceNow);
}

/** Keeps a signed server time for the next clock reading (cheap: no verification here). */
export async function keepServerTime(
	db: LicenseManagerDatabase,
	statement: string,
	receivedAt: number
): Promise<void> {
	await db.syncState.put({ key: PENDING_SERVER_TIME_KEY, value: { statement, receivedAt } });
}

/**
 * Reads the device clock into the stored state: applies a pending signed server time if it verifies,
 * then the device time. Returns what the clock says now.
 */
export async function readClock(db: LicenseManagerDatabase, deviceNow: number): Promise<ClockReading> {
	const pending = pendingServerTimeSchema.safeParse((await db.syncState.get(PENDING_SERVER_TIME_KEY))?.value);
	// The trusted keys are read only when there is a statement to verify: most readings have none.
	const verified = pending.success
		? await verifyServerTime(pending.data.statement, { trustedKeys: await loadTrustedKeys(db) })
		: null;
	return db.transaction('rw', db.syncState, async () => {
		let state = await storedState(db, deviceNow);
		if (pending.success) {
			if (verified?.ok) state = confirmServerTime(state, verified.serverTime, pending.data.receivedAt);
			await db.syncState.delete(PENDING_SERVER_TIME_KEY);
		}
		state = observeDeviceTime(state, deviceNow);
		await db.syncState.put({ key: CLOCK_KEY, value: state });
		return { state, verdict: clockVerdict(state, deviceNow) };
	});
}
