import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	CLOCK_TOLERANCE_MS,
	clockVerdict,
	confirmServerTime,
	deviceClockSkew,
	initialClockState,
	observeDeviceTime,
	type ClockState
} from './trusted-clock.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const EMERGENCY_MS = 5 * DAY;
const T0 = Date.UTC(2026, 10, 29, 9, 0, 0);

function at(state: ClockState, deviceNow: number) {
	const next = observeDeviceTime(state, deviceNow);
	return { state: next, verdict: clockVerdict(next, deviceNow) };
}

describe('trusted clock', () => {
	it('follows an honest clock: the effective time is the device time, no problem', () => {
		let state = initialClockState(T0);
		for (let t = T0; t <= T0 + 3 * DAY; t += 7 * HOUR) {
			const step = at(state, t);
			state = step.state;
			expect(step.verdict).toEqual({ effectiveNow: t, problem: null, behindMs: 0 });
		}
	});

	it('never goes back: a clock set back a little keeps the mark as the effective time', () => {
		const state = at(initialClockState(T0), T0 + DAY).state;
		const { verdict } = at(state, T0 + DAY - 10 * MINUTE);
		expect(verdict).toEqual({ effectiveNow: T0 + DAY, problem: null, behindMs: 10 * MINUTE });
	});

	it('says the clock was set back beyond the tolerance, until the clock is right again', () => {
		let state = at(initialClockState(T0), T0 + 2 * DAY).state;
		let step = at(state, T0);
		expect(step.verdict.problem).toBe('clock_set_back');
		expect(step.verdict.behindMs).toBe(2 * DAY);
		state = step.state;
		step = at(state, T0 + 2 * DAY + MINUTE);
		expect(step.verdict).toEqual({ effectiveNow: T0 + 2 * DAY + MINUTE, problem: null, behindMs: 0 });
	});

	it('adds up small steps back: more than the tolerance of frozen time in all is reported', () => {
		let state = initialClockState(T0);
		let device = T0;
		let problem = null;
		// Twenty-five minutes back, then let it run; five times.
		for (let round = 0; round < 5 && problem === null; round++) {
			device -= 25 * MINUTE;
			state = at(state, device).state;
			device += 30 * MINUTE;
			const step = at(state, device);
			state = step.state;
			problem = step.verdict.problem;
		}
		expect(problem).toBe('clock_set_back_repeatedly');
		expect(state.frozenMs).toBeGreaterThan(CLOCK_TOLERANCE_MS);
	});

	it('a verified server time corrects a wrong device clock and clears frozen time', () => {
		let state = initialClockState(T0);
		state = at(state, T0 - 50 * MINUTE).state;
		state = at(state, T0 + 10 * MINUTE).state;
		expect(state.frozenMs).toBe(50 * MINUTE);
		// The server says it is a day later than the device thinks: the device clock is behind.
		state = confirmServerTime(state, T0 + DAY, T0 + 10 * MINUTE);
		expect(state.frozenMs).toBe(0);
		expect(deviceClockSkew(state)).toBe(-(DAY - 10 * MINUTE));
		const { verdict } = at(state, T0 + 20 * MINUTE);
		expect(verdict).toEqual({ effectiveNow: T0 + DAY + 10 * MINUTE, problem: null, behindMs: 0 });
	});

	it('a replayed (not newer) server time neither lowers the mark nor clears frozen time', () => {
		let state = confirmServerTime(initialClockState(T0), T0, T0);
		state = at(state, T0 + DAY).state;
		state = at(state, T0 + DAY - 40 * MINUTE).state;
		state = at(state, T0 + DAY).state;
		const frozen = state.frozenMs;
		expect(frozen).toBe(40 * MINUTE);
		const replayed = confirmServerTime(state, T0, T0 + DAY);
		expect(replayed.markMs).toBe(T0 + DAY);
		expect(replayed.frozenMs).toBe(frozen);
		expect(replayed.offsetMs).toBe(0);
	});
});

// Clock traces (issue 9: "clock set back"). A trace is a list of events on a real timeline; the
// device clock is what the user or the system makes it. The License Manager observes the device
// clock at every event and at least every ten minutes (the page checks every minute).
type TraceEvent =
	| { kind: 'elapse'; ms: number }
	| { kind: 'sleep'; ms: number }
	| { kind: 'ntp-step-back'; ms: number }
	| { kind: 'zone-change'; offsetMinutes: number }
	| { kind: 'restart' }
	| { kind: 'sync' }
	| { kind: 'set-clock'; deltaMs: number }
	| { kind: 'replay-server-time'; index: number };

const CHUNK_MS = 10 * MINUTE;

interface TraceOutcome {
	/** Real time during which the emergency license was usable. */
	emergencyUsableMs: number;
	problems: number;
}

function runTrace(events: TraceEvent[], initialSkewMs: number): TraceOutcome {
	let real = T0;
	let device = T0 + initialSkewMs;
	let stored = initialClockState(device);
	// The local wall clock a person sees; the trusted clock must not depend on it.
	let zoneOffsetMinutes = 60;
	const seenServerTimes: number[] = [];
	const endsAt = clockVerdict(stored, device).effectiveNow + EMERGENCY_MS;
	let usable = 0;
	let problems = 0;

	const usableNow = () => {
		const verdict = clockVerdict(stored, device);
		if (verdict.problem) problems++;
		return verdict.problem === null && verdict.effectiveNow < endsAt;
	};
	const pass = (ms: number) => {
		for (let left = ms; left > 0; left -= CHUNK_MS) {
			const chunk = Math.min(CHUNK_MS, left);
			if (usableNow()) usable += chunk;
			real += chunk;
			device += chunk;
			stored = observeDeviceTime(stored, device);
		}
	};

	for (const event of events) {
		switch (event.kind) {
			case 'elapse':
				pass(event.ms);
				break;
			case 'sleep':
				// Asleep: nothing runs and nothing is usable, then one observation on waking.
				real += event.ms;
				device += event.ms;
				stored = observeDeviceTime(stored, device);
				break;
			case 'ntp-step-back':
				device -= event.ms;
				stored = observeDeviceTime(stored, device);
				break;
			case 'zone-change':
				zoneOffsetMinutes = event.offsetMinutes;
				stored = observeDeviceTime(stored, device);
				break;
			case 'restart':
				// Every observation is stored, so a restart reads back the same state.
				stored = structuredClone(stored);
				stored = observeDeviceTime(stored, device);
				break;
			case 'sync':
				seenServerTimes.push(real);
				stored = confirmServerTime(stored, real, device);
				break;
			case 'set-clock':
				device += event.deltaMs;
				stored = observeDeviceTime(stored, device);
				break;
			case 'replay-server-time': {
				const replayed = seenServerTimes[event.index % Math.max(1, seenServerTimes.length)];
				if (replayed !== undefined) stored = confirmServerTime(stored, replayed, device);
				break;
			}
		}
		void zoneOffsetMinutes;
	}
	return { emergencyUsableMs: usable, problems };
}

const honestEvent: fc.Arbitrary<TraceEvent> = fc.oneof(
	fc.record({ kind: fc.constant('elapse' as const), ms: fc.integer({ min: 0, max: 12 * HOUR }) }),
	fc.record({ kind: fc.constant('sleep' as const), ms: fc.integer({ min: 0, max: 3 * DAY }) }),
	fc.record({ kind: fc.constant('ntp-step-back' as const), ms: fc.integer({ min: 0, max: 2_000 }) }),
	fc.record({
		kind: fc.constant('zone-change' as const),
		offsetMinutes: fc.integer({ min: -12 * 60, max: 14 * 60 })
	}),
	fc.constant({ kind: 'restart' as const }),
	fc.constant({ kind: 'sync' as const })
);

const hostileEvent: fc.Arbitrary<TraceEvent> = fc.oneof(
	honestEvent,
	fc.record({
		kind: fc.constant('set-clock' as const),
		deltaMs: fc.integer({ min: -10 * DAY, max: 10 * DAY })
	}),
	fc.record({
		kind: fc.constant('set-clock' as const),
		deltaMs: fc.integer({ min: -CLOCK_TOLERANCE_MS, max: 0 })
	}),
	fc.record({ kind: fc.constant('replay-server-time' as const), index: fc.nat() })
);

describe('clock traces', () => {
	it('honest traces (sleep, restarts, time-zone and DST changes, NTP steps, syncs) never raise a false alarm', () => {
		fc.assert(
			fc.property(
				fc.array(honestEvent, { maxLength: 60 }),
				fc.integer({ min: -10 * MINUTE, max: 10 * MINUTE }),
				(events, skew) => {
					expect(runTrace(events, skew).problems).toBe(0);
				}
			),
			{ seed: 20261129, numRuns: 500 }
		);
	});

	it('no trace of clock changes gives more than 5 days (+ tolerance) of emergency use', () => {
		fc.assert(
			fc.property(fc.array(hostileEvent, { maxLength: 60 }), (events) => {
				const { emergencyUsableMs } = runTrace([...events, { kind: 'elapse', ms: 10 * DAY }], 0);
				expect(emergencyUsableMs).toBeLessThanOrEqual(EMERGENCY_MS + CLOCK_TOLERANCE_MS + CHUNK_MS);
			}),
			{ seed: 20261129, numRuns: 500 }
		);
	});

	it('the worst known attack, stepping back just under the tolerance again and again, is caught and wins at most the tolerance', () => {
		const events: TraceEvent[] = [];
		for (let i = 0; i < 200; i++)
			events.push(
				{ kind: 'set-clock', deltaMs: -(CLOCK_TOLERANCE_MS - MINUTE) },
				{ kind: 'elapse', ms: HOUR }
			);
		const { emergencyUsableMs, problems } = runTrace(events, 0);
		expect(problems).toBeGreaterThan(0);
		expect(emergencyUsableMs).toBeLessThanOrEqual(EMERGENCY_MS + CLOCK_TOLERANCE_MS + CHUNK_MS);
	});
});
