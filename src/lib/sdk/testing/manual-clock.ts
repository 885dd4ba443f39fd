// The clock's testing twin: time moves only when the test says.
import type { Clock } from '../platform/clock.js';

export interface ManualClock extends Clock {
	set(ms: number): void;
	advance(ms: number): void;
}

export function manualClock(start: number): ManualClock {
	let now = start;
	return {
		now: () => now,
		set: (ms) => void (now = ms),
		advance: (ms) => void (now += ms)
	};
}
