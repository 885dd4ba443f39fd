import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ISSUED_AT_TOLERANCE_MS } from './fields.js';
import {
	anchorServerTime,
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

describe('re-anchoring on a fresh server time (issue 22)', () => {
	it('a sync lifts the block once the clock is right again: the mark comes down to the server time', () => {
		// Two days on, then set back to the start: blocked.
		let state = at(initialClockState(T0), T0 + 2 * DAY).state;
		state = at(state, T0).state;
		expect(clockVerdict(state, T0).problem).toBe('clock_set_back');
		// The truth was T0 all along (the clock had been set ahead); it is corrected, a sync confirms it.
		state = anchorServerTime(state, T0 + HOUR, T0 + HOUR);
		const { verdict } = at(state, T0 + HOUR + MINUTE);
		expect(verdict).toEqual({ effectiveNow: T0 + HOUR + MINUTE, problem: null, behindMs: 0 });
	});

	it('an honest user who corrects a slow clock is never blocked, and is right after the next sync', () => {
		const slow = 2 * DAY;
		// The device clock is two days slow; a sync measures the offset.
		let state = initialClockState(T0 - slow);
		state = anchorServerTime(state, T0, T0 - slow);
		expect(at(state, T0 - slow + HOUR).verdict).toEqual({
			effectiveNow: T0 + HOUR,
			problem: null,
			behindMs: 0
		});
		// Offline, the user sets the clock right: the offset is counted twice until the next sync —
		// the stated bound, in the safe direction (the effective time is ahead: less time left).
		let step = at(state, T0 + 2 * HOUR);
		expect(step.verdict.problem).toBeNull();
		expect(step.verdict.effectiveNow).toBe(T0 + 2 * HOUR + slow);
		state = step.state;
		// The next sync puts it right: no "set back", the true time.
		state = anchorServerTime(state, T0 + 3 * HOUR, T0 + 3 * HOUR);
		step = at(state, T0 + 3 * HOUR + MINUTE);
		expect(step.verdict).toEqual({ effectiveNow: T0 + 3 * HOUR + MINUTE, problem: null, behindMs: 0 });
	});

	it('a user who corrects a fast clock offline is told it was set back until the next sync, then is right', () => {
		const fast = 2 * DAY;
		let state = initialClockState(T0 + fast);
		state = anchorServerTime(state, T0, T0 + fast);
		// Offline, set back to the right time: indistinguishable from a rollback without the server.
		let step = at(state, T0 + HOUR);
		expect(step.verdict.problem).toBe('clock_set_back');
		state = anchorServerTime(step.state, T0 + 2 * HOUR, T0 + 2 * HOUR);
		step = at(state, T0 + 2 * HOUR);
		expect(step.verdict).toEqual({ effectiveNow: T0 + 2 * HOUR, problem: null, behindMs: 0 });
	});

	it('clears frozen time and keeps the newest server time seen, so older statements cannot clear it later', () => {
		let state = confirmServerTime(initialClockState(T0), T0 + DAY, T0);
		state = at(state, T0 - 30 * MINUTE).state;
		state = at(state, T0).state;
		expect(state.frozenMs).toBe(30 * MINUTE);
		state = anchorServerTime(state, T0 + HOUR, T0 + HOUR);
		expect(state).toMatchObject({ markMs: T0 + HOUR, offsetMs: 0, frozenMs: 0, serverTimeMs: T0 + DAY });
	});
});

// Clock traces (issues 9 and 22). A trace is a list of events on a real timeline; the device clock
// is what the user or the system makes it. The License Manager observes the device clock at every
// event and at least every ten minutes (the page checks every minute).
type TraceEvent =
	| { kind: 'elapse'; ms: number }
	| { kind: 'sleep'; ms: number }
	| { kind: 'ntp-step-back'; ms: number }
	| { kind: 'zone-change'; offsetMinutes: number }
	| { kind: 'restart' }
	/** An older License Manager's sync: a T1 statement, raise-only. */
	| { kind: 'sync' }
	/** A sync with a nonce: a T2 statement answering this request, the true time at delivery. */
	| { kind: 'fresh-sync' }
	/** A statement fetched now (T1, or a T2 for another request) and kept, not given to the clock. */
	| { kind: 'hoard-statement' }
	| { kind: 'set-clock'; deltaMs: number }
	| { kind: 'set-clock-right' }
	/** An old statement (seen or hoarded) given to the clock: not fresh, so the T1 rule. */
	| { kind: 'replay-server-time'; index: number }
	/** The emergency license starts here (at the effective time), if it has not yet. */
	| { kind: 'start-emergency' };

const CHUNK_MS = 10 * MINUTE;
/** A thousand traces take seconds on a loaded machine: more than a unit test's default 5 s. */
const MANY_TRACES = { timeout: 30_000 };

interface TraceOutcome {
	/** Real time during which the emergency license was usable. */
	emergencyUsableMs: number;
	problems: number;
	/** The clock's state and the device and real times at the end. */
	stored: ClockState;
	device: number;
	real: number;
}

function runTrace(
	events: TraceEvent[],
	initialSkewMs: number,
	options: { startNow?: boolean } = {}
): TraceOutcome {
	let real = T0;
	let device = T0 + initialSkewMs;
	let stored = initialClockState(device);
	// The local wall clock a person sees; the trusted clock must not depend on it.
	let zoneOffsetMinutes = 60;
	const statements: number[] = [];
	// The emergency license: its Issued-At is the effective time at its start, and it is checked as
	// the License Manager does (check/evaluate.ts): not before Issued-At − tolerance, not from its end.
	let emergency: { issuedAt: number; endsAt: number } | null = null;
	const startEmergency = () => {
		if (emergency) return;
		const issuedAt = clockVerdict(stored, device).effectiveNow;
		emergency = { issuedAt, endsAt: issuedAt + EMERGENCY_MS };
	};
	if (options.startNow ?? true) startEmergency();
	let usable = 0;
	let problems = 0;

	const usableNow = () => {
		const verdict = clockVerdict(stored, device);
		if (verdict.problem) problems++;
		return (
			emergency !== null &&
			verdict.problem === null &&
			verdict.effectiveNow < emergency.endsAt &&
			emergency.issuedAt <= verdict.effectiveNow + ISSUED_AT_TOLERANCE_MS
		);
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
				statements.push(real);
				stored = confirmServerTime(stored, real, device);
				break;
			case 'fresh-sync':
				statements.push(real);
				stored = anchorServerTime(stored, real, device);
				break;
			case 'hoard-statement':
				statements.push(real);
				break;
			case 'set-clock':
				device += event.deltaMs;
				stored = observeDeviceTime(stored, device);
				break;
			case 'set-clock-right':
				device = real;
				stored = observeDeviceTime(stored, device);
				break;
			case 'replay-server-time': {
				const replayed = statements[event.index % Math.max(1, statements.length)];
				if (replayed !== undefined) stored = confirmServerTime(stored, replayed, device);
				break;
			}
			case 'start-emergency':
				startEmergency();
				break;
		}
		void zoneOffsetMinutes;
	}
	return { emergencyUsableMs: usable, problems, stored, device, real };
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
	fc.constant({ kind: 'sync' as const }),
	fc.constant({ kind: 'fresh-sync' as const })
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
	fc.constant({ kind: 'set-clock-right' as const }),
	fc.constant({ kind: 'hoard-statement' as const }),
	fc.record({ kind: fc.constant('replay-server-time' as const), index: fc.nat() }),
	fc.constant({ kind: 'start-emergency' as const })
);

/** The most an emergency license can be used, in real time: its 5 days, the tolerance, Issued-At's. */
const EMERGENCY_BOUND_MS = EMERGENCY_MS + CLOCK_TOLERANCE_MS + ISSUED_AT_TOLERANCE_MS + CHUNK_MS;

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

	it(
		'no trace of clock changes, syncs and replayed statements gives more than 5 days (+ tolerances) of emergency use',
		MANY_TRACES,
		() => {
			fc.assert(
				fc.property(fc.array(hostileEvent, { maxLength: 60 }), fc.boolean(), (events, startNow) => {
					const { emergencyUsableMs } = runTrace(
						[...events, { kind: 'start-emergency' }, { kind: 'elapse', ms: 10 * DAY }],
						0,
						{ startNow }
					);
					expect(emergencyUsableMs).toBeLessThanOrEqual(EMERGENCY_BOUND_MS);
				}),
				{ seed: 20261202, numRuns: 1000 }
			);
		}
	);

	it(
		'however the clock was moved before, a device whose clock is right is never blocked after a fresh sync',
		MANY_TRACES,
		() => {
			fc.assert(
				fc.property(
					fc.array(hostileEvent, { maxLength: 60 }),
					fc.integer({ min: -10 * DAY, max: 10 * DAY }),
					fc.array(
						fc.oneof(
							fc.record({ kind: fc.constant('elapse' as const), ms: fc.integer({ min: 0, max: 12 * HOUR }) }),
							fc.record({ kind: fc.constant('sleep' as const), ms: fc.integer({ min: 0, max: 3 * DAY }) }),
							fc.constant({ kind: 'restart' as const }),
							fc.constant({ kind: 'sync' as const }),
							fc.constant({ kind: 'fresh-sync' as const }),
							fc.record({ kind: fc.constant('replay-server-time' as const), index: fc.nat() })
						),
						{ maxLength: 20 }
					),
					(before, skew, after) => {
						const end = runTrace(
							[...before, { kind: 'set-clock-right' }, { kind: 'fresh-sync' }, ...after],
							skew
						);
						const verdict = clockVerdict(end.stored, end.device);
						expect(verdict.problem).toBeNull();
						// And the right time: days left are counted from the true time.
						expect(verdict.effectiveNow).toBe(end.real);
					}
				),
				{ seed: 20261202, numRuns: 1000 }
			);
		}
	);

	it('a clock corrected offline after a sync measured it is never blocked when it was slow, and is right after the next fresh sync', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: -30 * DAY, max: 0 }),
				fc.array(honestEvent, { maxLength: 20 }),
				(skew, between) => {
					const offline = runTrace(
						[
							{ kind: 'fresh-sync' },
							{ kind: 'elapse', ms: HOUR },
							{ kind: 'set-clock-right' },
							...between.filter((e) => e.kind !== 'sync' && e.kind !== 'fresh-sync')
						],
						skew
					);
					const verdict = clockVerdict(offline.stored, offline.device);
					expect(verdict.problem).toBeNull();
					// Counted twice: the effective time is ahead of the truth by at most the skew (less time left, never more).
					// (NTP steps of up to 2 s each aside.)
					expect(verdict.effectiveNow).toBeGreaterThanOrEqual(offline.real - MINUTE);
					expect(verdict.effectiveNow).toBeLessThanOrEqual(offline.real - skew);
					const synced = anchorServerTime(offline.stored, offline.real, offline.device);
					expect(clockVerdict(synced, offline.device)).toEqual({
						effectiveNow: offline.real,
						problem: null,
						behindMs: 0
					});
				}
			),
			{ seed: 20261202, numRuns: 300 }
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

	it('the attack the nonce stops: an old statement kept and fed after a clock set back cannot lower the mark', () => {
		// A statement fetched at the start, kept; the emergency license used for its 5 days; the clock
		// set back to the start and the kept statement given as if it were fresh T1.
		const { emergencyUsableMs } = runTrace(
			[
				{ kind: 'hoard-statement' },
				{ kind: 'elapse', ms: EMERGENCY_MS },
				{ kind: 'set-clock', deltaMs: -EMERGENCY_MS },
				{ kind: 'replay-server-time', index: 0 },
				{ kind: 'elapse', ms: 5 * DAY }
			],
			0
		);
		expect(emergencyUsableMs).toBeLessThanOrEqual(EMERGENCY_MS + CHUNK_MS);
	});

	it('setting the clock ahead before an emergency start and syncing afterwards gains nothing', () => {
		const { emergencyUsableMs } = runTrace(
			[
				{ kind: 'set-clock', deltaMs: 10 * DAY },
				{ kind: 'start-emergency' },
				{ kind: 'set-clock-right' },
				{ kind: 'fresh-sync' },
				{ kind: 'elapse', ms: 20 * DAY }
			],
			0,
			{ startNow: false }
		);
		expect(emergencyUsableMs).toBeLessThanOrEqual(EMERGENCY_MS + ISSUED_AT_TOLERANCE_MS + CHUNK_MS);
	});
});
