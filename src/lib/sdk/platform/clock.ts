// The device's clock as the core reads it: an adapter, so tests move time by hand. Licenses are never
// judged by this clock alone: the trusted clock (time/clock-store.ts) keeps a mark that never goes
// back and corrects it with the server's signed time.
export interface Clock {
	/** Milliseconds since the epoch, as the device's clock says. */
	now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
