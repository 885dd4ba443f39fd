// The trusted clock's stored state, read without zod (a License Manager reads it at every start and a
// license check at every change).
import { nullable, number, object, parser, type Check } from '$lib/protocol/shape.js';
import type { ClockState } from '$lib/protocol/trusted-clock.js';

export const CLOCK_KEY = 'clock';

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
