// The trusted clock's state, kept in the core's storage so a restart does not reset the high-water
// mark. Signed server times arrive with each sync and each health check; they are verified against
// the trusted vendor keys before they count. The rules themselves are pure, in
// protocol/trusted-clock.ts.
import { verifyServerTime } from '$lib/protocol/server-time.js';
import { number, object, parser, string } from '$lib/protocol/shape.js';
import {
	clockVerdict,
	confirmServerTime,
	initialClockState,
	observeDeviceTime,
	type ClockState,
	type ClockVerdict
} from '$lib/protocol/trusted-clock.js';
import type { LicenseStorage, StorageTransaction } from '../platform/storage.js';
import { loadTrustedKeys } from '../trusted-keys.js';
import { CLOCK_KEY, clockStateSchema } from './clock-state.js';

/** A signed server time received (by a page, a worker or a process) and not yet applied. */
const PENDING_SERVER_TIME_KEY = 'pendingServerTime';

const epochMs = number({ int: true });
const pendingServerTimeSchema = parser(
	'pending server time',
	object({ statement: string(), receivedAt: epochMs })
);

export interface ClockReading {
	state: ClockState;
	verdict: ClockVerdict;
}

async function storedState(tx: StorageTransaction, deviceNow: number): Promise<ClockState> {
	const parsed = clockStateSchema.safeParse((await tx.get('syncState', CLOCK_KEY))?.value);
	return parsed.success ? parsed.data : initialClockState(deviceNow);
}

/** Keeps a signed server time for the next clock reading (cheap: no verification here). */
export async function keepServerTime(
	tx: StorageTransaction,
	statement: string,
	receivedAt: number
): Promise<void> {
	await tx.put('syncState', { key: PENDING_SERVER_TIME_KEY, value: { statement, receivedAt } });
}

/** The stored state as it is, without observing the clock (a read-only look, e.g. for diagnostics). */
export async function peekClock(storage: LicenseStorage, deviceNow: number): Promise<ClockState> {
	return storage.transaction('r', ['syncState'], (tx) => storedState(tx, deviceNow));
}

/**
 * Reads the device clock into the stored state: applies a pending signed server time if it verifies,
 * then the device time. Returns what the clock says now.
 */
export async function readClock(storage: LicenseStorage, deviceNow: number): Promise<ClockReading> {
	const pending = pendingServerTimeSchema.safeParse(
		(await storage.transaction('r', ['syncState'], (tx) => tx.get('syncState', PENDING_SERVER_TIME_KEY)))
			?.value
	);
	// The trusted keys are read only when there is a statement to verify: most readings have none.
	const verified = pending.success
		? await verifyServerTime(pending.data.statement, { trustedKeys: await loadTrustedKeys(storage) })
		: null;
	return storage.transaction('rw', ['syncState'], async (tx) => {
		let state = await storedState(tx, deviceNow);
		if (pending.success) {
			if (verified?.ok) state = confirmServerTime(state, verified.serverTime, pending.data.receivedAt);
			await tx.delete('syncState', PENDING_SERVER_TIME_KEY);
		}
		state = observeDeviceTime(state, deviceNow);
		await tx.put('syncState', { key: CLOCK_KEY, value: state });
		return { state, verdict: clockVerdict(state, deviceNow) };
	});
}
