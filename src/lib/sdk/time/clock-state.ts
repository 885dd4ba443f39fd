// The trusted clock's stored state, read without zod (a License Manager reads it at every start and a
// license check at every change).
//
// The mark is kept twice: in `syncState` (key `clock`) with the rest of the state, and as
// `clockMarkMs` in the identity row. Deleting the one row must not reset the clock (with the clock
// set back, a 3-day license showed 5 days left until the next sync): the latest of the two copies is
// the mark. The copy in the identity row is written when the mark comes down (a fresh server time)
// and otherwise only every MARK_COPY_STEP_MS, so a running License Manager rarely rewrites the row
// holding its key; a copy that far behind lets a deleted row win at most that much more.
import { nullable, number, object, parser, type Check } from '$lib/protocol/shape.js';
import { initialClockState, type ClockState } from '$lib/protocol/trusted-clock.js';

export const CLOCK_KEY = 'clock';
/** The identity row's field holding the copy of the mark. */
export const MARK_COPY_FIELD = 'clockMarkMs';
export const MARK_COPY_STEP_MS = 10 * 60_000;

const epochMs = number({ int: true });
export const clockStateSchema = parser(
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

/**
 * The copy of the mark in an identity row, if it holds one (an older row, or one not yet written,
 * has none). One field, checked by hand: a page that only checks licenses loads this module.
 */
export function markCopyOf(identityRow: unknown): number | null {
	const copy = (identityRow as { clockMarkMs?: unknown } | null | undefined)?.clockMarkMs;
	return typeof copy === 'number' && Number.isSafeInteger(copy) && copy >= 0 ? copy : null;
}

/**
 * The clock state from its stored row and the identity row's copy of the mark: the later mark of
 * the two. Without the row, a state that starts at the copy (its offset and frozen time are lost:
 * the next sync measures them again). Null when there is neither.
 */
export function storedClockState(
	clockRow: unknown,
	identityRow: unknown,
	deviceNow: number
): ClockState | null {
	const parsed = clockStateSchema.safeParse(clockRow);
	const copy = markCopyOf(identityRow);
	if (parsed.success)
		return copy === null ? parsed.data : { ...parsed.data, markMs: Math.max(parsed.data.markMs, copy) };
	if (copy === null) return null;
	return { ...initialClockState(deviceNow), markMs: Math.max(copy, deviceNow) };
}

/** Whether the identity row's copy must be written for this mark (see the top of this file). */
export function markCopyIsDue(copy: number | null, markMs: number): boolean {
	return copy === null || copy > markMs || markMs - copy >= MARK_COPY_STEP_MS;
}
