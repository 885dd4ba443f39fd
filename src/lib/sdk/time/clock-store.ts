// The trusted clock's state, kept in the core's storage so a restart does not reset the high-water
// mark (with a copy of the mark in the identity row: clock-state.ts). Signed server times arrive
// with each sync and each health check; they are verified against the trusted vendor keys before
// they count. The rules themselves are pure, in protocol/trusted-clock.ts.
import { verifyServerTime } from '$lib/protocol/server-time.js';
import { boolean, number, object, optional, parser, string } from '$lib/protocol/shape.js';
import {
	anchorServerTime,
	clockVerdict,
	confirmServerTime,
	initialClockState,
	observeDeviceTime,
	type ClockState,
	type ClockVerdict
} from '$lib/protocol/trusted-clock.js';
import type { LicenseStorage, StorageTransaction } from '../platform/storage.js';
import { IDENTITY_ROW_ID } from '../rows.js';
import { loadTrustedKeys } from '../trusted-keys.js';
import { CLOCK_KEY, MARK_COPY_FIELD, markCopyIsDue, markCopyOf, storedClockState } from './clock-state.js';

/** A signed server time received (by a page, a worker or a process) and not yet applied. */
const PENDING_SERVER_TIME_KEY = 'pendingServerTime';

const epochMs = number({ int: true });
const pendingServerTimeSchema = parser(
	'pending server time',
	object({
		statement: string(),
		receivedAt: epochMs,
		// Absent in rows kept before fresh times existed: not fresh.
		fresh: optional(boolean)
	})
);

export interface ClockReading {
	state: ClockState;
	verdict: ClockVerdict;
}

async function storedState(
	tx: StorageTransaction,
	deviceNow: number
): Promise<{ state: ClockState; copy: number | null }> {
	const [clock, identity] = await Promise.all([
		tx.get('syncState', CLOCK_KEY),
		tx.get('identity', IDENTITY_ROW_ID)
	]);
	return {
		state: storedClockState(clock?.value, identity, deviceNow) ?? initialClockState(deviceNow),
		copy: markCopyOf(identity)
	};
}

/**
 * Keeps a signed server time for the next clock reading (cheap: no verification here). `fresh`: it
 * answered the request this process just made (time-nonce.ts), checked in memory at receipt.
 */
export async function keepServerTime(
	tx: StorageTransaction,
	statement: string,
	receivedAt: number,
	fresh = false
): Promise<void> {
	await tx.put('syncState', { key: PENDING_SERVER_TIME_KEY, value: { statement, receivedAt, fresh } });
}

/** The stored state as it is, without observing the clock (a read-only look, e.g. for diagnostics). */
export async function peekClock(storage: LicenseStorage, deviceNow: number): Promise<ClockState> {
	return storage.transaction(
		'r',
		['syncState', 'identity'],
		async (tx) => (await storedState(tx, deviceNow)).state
	);
}

/**
 * Reads the device clock into the stored state: applies a pending signed server time if it verifies
 * (re-anchoring the clock to it when it was fresh, else only raising the mark), then the device
 * time. Returns what the clock says now.
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
	return storage.transaction('rw', ['syncState', 'identity'], async (tx) => {
		const stored = await storedState(tx, deviceNow);
		let state = stored.state;
		if (pending.success) {
			if (verified?.ok) {
				const { receivedAt, fresh } = pending.data;
				// Fresh only with the nonce in the signed bytes: a T1 is never taken as fresh.
				state =
					fresh === true && verified.nonce !== null
						? anchorServerTime(state, verified.serverTime, receivedAt)
						: confirmServerTime(state, verified.serverTime, receivedAt);
			}
			await tx.delete('syncState', PENDING_SERVER_TIME_KEY);
		}
		state = observeDeviceTime(state, deviceNow);
		await tx.put('syncState', { key: CLOCK_KEY, value: state });
		// No identity row yet (a first start, read before the identity is made): nothing to copy into.
		if (markCopyIsDue(stored.copy, state.markMs))
			await tx.update('identity', IDENTITY_ROW_ID, { [MARK_COPY_FIELD]: state.markMs });
		return { state, verdict: clockVerdict(state, deviceNow) };
	});
}
