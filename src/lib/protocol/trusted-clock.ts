// Time the License Manager can trust on a device whose clock the user controls. Time-limited licenses
// (emergency, temporary, expiring) are checked against an *effective* time that never goes back:
//
// - the high-water mark: the latest time seen, from the device clock or from a verified server time;
// - corrected device time: the device clock plus the offset measured at the last verified server
//   time, so a device whose clock is wrong but has synced still gets the right time;
// - set back: the corrected time is more than the tolerance below the mark. Time-limited licenses
//   then count as expired ("your computer's clock was set back") until the clock is right again or a
//   sync confirms the time;
// - frozen time: while the corrected time climbs back below the mark (after a small step back that
//   the tolerance lets through), real time passes but the effective time stands still. That time is
//   added up, and once it is more than the tolerance the clock counts as set back too (repeatedly),
//   until a newer verified server time than any seen before confirms the time. So small steps back,
//   repeated, can win at most the tolerance in all;
// - re-anchoring: a verified server time known to be *fresh* (a T2 statement answering a request
//   this process just made, with its nonce) is the true time now, so the clock is set to it: the
//   mark comes down to it if it was ahead, the offset is measured again and frozen time cleared. A
//   device clock that is right again, or a user who corrected it, is then never taken for a clock
//   set back after a sync. A statement not known to be fresh (T1, or a T2 kept from an earlier
//   request) may be an old one kept to lower the mark, so it only ever raises it.
//
// Only epoch milliseconds are used: time-zone and daylight-saving changes do not move them.
// Pure functions over a plain state object, so the rules are tested with any clock trace.

export const CLOCK_TOLERANCE_MS = 60 * 60_000;

export interface ClockState {
	/** The latest time seen (device or verified server), epoch ms. Goes down only to a fresh server time. */
	markMs: number;
	/** The corrected device time at the last observation. */
	lastCorrectedMs: number;
	/** Added to the device clock: the server's time minus the device's, at the last verified sync. */
	offsetMs: number;
	/** Real time that passed while the effective time stood still, since the last confirmation. */
	frozenMs: number;
	/** The newest verified server time, or null before the first sync. */
	serverTimeMs: number | null;
	/** Device time when `serverTimeMs` was received. */
	serverTimeReceivedAtMs: number | null;
}

export type ClockProblem = 'clock_set_back' | 'clock_set_back_repeatedly';

export interface ClockVerdict {
	/** The time to check licenses against: never earlier than the mark. */
	effectiveNow: number;
	/** Why time-limited licenses cannot be trusted now, or null. */
	problem: ClockProblem | null;
	/** How far the corrected device time is behind the mark (0 when it is not). */
	behindMs: number;
}

export function initialClockState(deviceNow: number): ClockState {
	return {
		markMs: deviceNow,
		lastCorrectedMs: deviceNow,
		offsetMs: 0,
		frozenMs: 0,
		serverTimeMs: null,
		serverTimeReceivedAtMs: null
	};
}

function isSetBack(state: ClockState, correctedMs: number): boolean {
	return correctedMs < state.markMs - CLOCK_TOLERANCE_MS;
}

/** Records the device clock's reading. */
export function observeDeviceTime(state: ClockState, deviceNow: number): ClockState {
	const corrected = deviceNow + state.offsetMs;
	const previous = state.lastCorrectedMs;
	let frozenMs = state.frozenMs;
	if (corrected > previous) {
		// Of the time that passed, the part spent below the mark but within the tolerance (usable,
		// yet the effective time did not move) is frozen time; below the tolerance nothing is usable.
		const frozen = Math.min(corrected, state.markMs) - Math.max(previous, state.markMs - CLOCK_TOLERANCE_MS);
		if (frozen > 0) frozenMs += frozen;
	}
	return {
		...state,
		markMs: Math.max(state.markMs, corrected),
		lastCorrectedMs: corrected,
		frozenMs
	};
}

/**
 * Records a server time whose signature verified, received when the device clock read `deviceNow`.
 * It raises the mark and sets the offset; only a server time newer than any seen before clears the
 * frozen time, so replaying an old statement gains nothing.
 */
export function confirmServerTime(state: ClockState, serverTime: number, deviceNow: number): ClockState {
	const newer = state.serverTimeMs === null || serverTime > state.serverTimeMs;
	if (!newer) return observeDeviceTime(state, deviceNow);
	const fresh = serverTime > state.markMs - CLOCK_TOLERANCE_MS;
	return {
		markMs: Math.max(state.markMs, serverTime),
		lastCorrectedMs: serverTime,
		offsetMs: serverTime - deviceNow,
		frozenMs: fresh ? 0 : state.frozenMs,
		serverTimeMs: serverTime,
		serverTimeReceivedAtMs: deviceNow
	};
}

/**
 * Records a verified server time known to be fresh: the server signed it for a request this process
 * made (its nonce), answered before the request's timeout, so it is the true time at `deviceNow`
 * (give or take the round trip). The clock is re-anchored to it, whatever was seen before: a mark
 * ahead of the true time (a clock that was ahead, or a correction counted twice) comes down.
 */
export function anchorServerTime(state: ClockState, serverTime: number, deviceNow: number): ClockState {
	return {
		markMs: serverTime,
		lastCorrectedMs: serverTime,
		offsetMs: serverTime - deviceNow,
		frozenMs: 0,
		// Kept as the newest seen, so statements from before it cannot clear frozen time later.
		serverTimeMs: Math.max(serverTime, state.serverTimeMs ?? serverTime),
		serverTimeReceivedAtMs: deviceNow
	};
}

/** What the clock says now; call after `observeDeviceTime` with the same reading. */
export function clockVerdict(state: ClockState, deviceNow: number): ClockVerdict {
	const corrected = deviceNow + state.offsetMs;
	const behindMs = Math.max(0, state.markMs - corrected);
	const problem: ClockProblem | null = isSetBack(state, corrected)
		? 'clock_set_back'
		: state.frozenMs > CLOCK_TOLERANCE_MS
			? 'clock_set_back_repeatedly'
			: null;
	return { effectiveNow: Math.max(corrected, state.markMs), problem, behindMs };
}

/** The device clock minus the server's, as last measured (positive: the device is ahead). */
export function deviceClockSkew(state: ClockState): number | null {
	return state.serverTimeMs === null ? null : -state.offsetMs;
}
