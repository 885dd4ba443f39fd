// The stored trusted clock with the network: fresh server times (T2 answering this process's own
// request) re-anchor it, anything else only raises the mark, and the identity row's copy of the mark
// keeps a deleted clock row from resetting it (issue 22).
import { describe, expect, it } from 'vitest';
import { FakeActivationServer } from '../../../../tests/fixtures/fake-activation-server.js';
import { testVendorSigner } from '../../../../tests/fixtures/emergency-builders.js';
import { signServerTime } from '$lib/protocol/server-time.js';
import { CLOCK_TOLERANCE_MS, initialClockState } from '$lib/protocol/trusted-clock.js';
import { flushOutbox, newOutboxItem, readLastContact } from '../outbox/outbox.js';
import { IDENTITY_ROW_ID } from '../rows.js';
import { checkServer } from '../server-status.js';
import { rowOf, testCore } from '../testing/test-core.js';
import { updateTrustedKeys } from '../trusted-keys.js';
import { CLOCK_KEY, MARK_COPY_STEP_MS, storedClockState } from './clock-state.js';
import { keepServerTime, readClock } from './clock-store.js';
import { answersRequest, FRESH_ANSWER_MS, newTimeRequest } from './time-nonce.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 10, 28, 12);

/** A core whose device clock the test sets, and a server on the true time. */
async function setup() {
	let real = T0;
	const server = new FakeActivationServer(() => real);
	const core = await testCore({ now: T0, fetch: server.fetch });
	await updateTrustedKeys(core.storage, core.api);
	return {
		server,
		core,
		/** The true time and the device clock move together unless the test sets the device clock. */
		pass: (ms: number) => {
			real += ms;
			core.clock.advance(ms);
		},
		read: async () => (await readClock(core.storage, core.clock.now())).verdict,
		get real() {
			return real;
		}
	};
}

/** Sets the clock ahead two days and back: the clock is "set back". */
async function setBack(world: Awaited<ReturnType<typeof setup>>) {
	world.core.clock.set(T0 + 2 * DAY);
	await world.read();
	world.core.clock.set(T0);
	expect((await world.read()).problem).toBe('clock_set_back');
}

describe('fresh server times', () => {
	it('a health check lifts the block once the clock is right again (its time answers its own nonce)', async () => {
		const world = await setup();
		await setBack(world);
		world.pass(HOUR);
		await checkServer(world.core);
		const verdict = await world.read();
		expect(verdict).toEqual({ effectiveNow: world.real, problem: null, behindMs: 0 });
	});

	it('a sync lifts it too: the outbox sends a nonce and keeps the answer as fresh', async () => {
		const world = await setup();
		await setBack(world);
		world.pass(HOUR);
		await world.core.storage.transaction('rw', ['outbox'], (tx) =>
			tx.put('outbox', newOutboxItem('refresh', { request: 'not a request' }, world.core.clock.now()))
		);
		const outcome = await flushOutbox(world.core.storage, world.core.api, async () => {}, {
			now: () => world.core.clock.now()
		});
		expect(outcome.sent).toBe(1);
		expect((await rowOf(world.core.storage, 'syncState', 'pendingServerTime'))?.value).toMatchObject({
			statement: expect.stringMatching(/^AIRLOCK-T2\./),
			fresh: true
		});
		expect(await world.read()).toEqual({ effectiveNow: world.real, problem: null, behindMs: 0 });
	});

	it('an honest user with a slow clock who corrects it is never blocked: less time offline, right after a sync', async () => {
		const world = await setup();
		world.core.clock.set(T0 - 2 * DAY);
		await world.read();
		await checkServer(world.core);
		expect((await world.read()).effectiveNow).toBe(T0);
		// Set right, offline: the offset counts twice (the stated bound), never "set back".
		world.server.online = false;
		world.pass(HOUR);
		world.core.clock.set(world.real);
		const offline = await world.read();
		expect(offline.problem).toBeNull();
		expect(offline.effectiveNow).toBe(world.real + 2 * DAY);
		// Online again: the next check puts it right.
		world.server.online = true;
		world.pass(HOUR);
		await checkServer(world.core);
		expect(await world.read()).toEqual({ effectiveNow: world.real, problem: null, behindMs: 0 });
	});

	it('an older server’s T1 only raises the mark: the block stays until the clock is right', async () => {
		const world = await setup();
		world.server.signsNonces = false;
		await setBack(world);
		world.pass(HOUR);
		await checkServer(world.core);
		expect((await world.read()).problem).toBe('clock_set_back');
	});

	it('a statement not answering this request is not fresh, and a T1 marked fresh is not taken as fresh', async () => {
		const world = await setup();
		await setBack(world);
		// A T2 fetched earlier (another request's nonce), kept and given now: raise-only.
		const kept = await signServerTime(T0, testVendorSigner, newTimeRequest().nonce);
		const time = newTimeRequest();
		expect(answersRequest(time, kept)).toBe(false);
		await world.core.storage.transaction('rw', ['syncState'], (tx) => keepServerTime(tx, kept, T0, false));
		expect((await world.read()).problem).toBe('clock_set_back');
		// A row that claims freshness for a T1 (written by hand): the nonce is not in the signed bytes.
		const t1 = await signServerTime(T0, testVendorSigner);
		await world.core.storage.transaction('rw', ['syncState'], (tx) => keepServerTime(tx, t1, T0, true));
		expect((await world.read()).problem).toBe('clock_set_back');
	});

	it('a verified server time counts as a contact with the server ("Last sync"), even without a recorded one', async () => {
		const world = await setup();
		expect(await readLastContact(world.core.storage)).toBeNull();
		const time = await signServerTime(T0, testVendorSigner);
		await world.core.storage.transaction('rw', ['syncState'], (tx) => keepServerTime(tx, time, T0 + 5));
		await world.read();
		expect(await readLastContact(world.core.storage)).toBe(T0 + 5);
		world.pass(HOUR);
		await checkServer(world.core);
		expect(await readLastContact(world.core.storage)).toBe(world.real);
	});

	it('an answer with the request’s nonce is fresh only within the timeout', async () => {
		const time = newTimeRequest();
		const statement = await signServerTime(T0, testVendorSigner, time.nonce);
		expect(answersRequest(time, statement, time.startedAt + 1)).toBe(true);
		expect(answersRequest(time, statement, time.startedAt + FRESH_ANSWER_MS + 1)).toBe(false);
		expect(time.nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
		expect(newTimeRequest().nonce).not.toBe(time.nonce);
	});
});

describe('the copy of the mark in the identity row', () => {
	it('deleting the clock row with the clock set back does not reset the mark', async () => {
		const world = await setup();
		world.core.clock.set(T0 + 3 * DAY);
		await world.read();
		await world.core.storage.transaction('rw', ['syncState'], (tx) => tx.delete('syncState', CLOCK_KEY));
		world.core.clock.set(T0);
		const verdict = await world.read();
		expect(verdict.problem).toBe('clock_set_back');
		expect(verdict.effectiveNow).toBe(T0 + 3 * DAY);
	});

	it('is written when the mark comes down and every ten minutes, not at every reading', async () => {
		const world = await setup();
		const copy = async () =>
			((await rowOf(world.core.storage, 'identity', IDENTITY_ROW_ID)) as { clockMarkMs?: number } | undefined)
				?.clockMarkMs;
		await world.read();
		expect(await copy()).toBe(T0);
		world.pass(MARK_COPY_STEP_MS - 1);
		await world.read();
		expect(await copy()).toBe(T0);
		world.pass(1);
		await world.read();
		expect(await copy()).toBe(T0 + MARK_COPY_STEP_MS);
		// The clock was a day ahead: a fresh time brings the mark, and its copy, down.
		world.core.clock.set(world.real + DAY);
		await world.read();
		expect(await copy()).toBe(world.real + DAY);
		await checkServer(world.core);
		await world.read();
		expect(await copy()).toBe(world.real);
	});

	it('an identity row without the copy (older) reads as before; a damaged copy is ignored', async () => {
		const world = await setup();
		await world.core.storage.transaction('rw', ['identity'], (tx) =>
			tx.update('identity', IDENTITY_ROW_ID, { clockMarkMs: 'soon' })
		);
		world.pass(CLOCK_TOLERANCE_MS);
		expect(await world.read()).toEqual({ effectiveNow: world.real, problem: null, behindMs: 0 });
	});

	it('license checks read it too: the later of the two marks, or the copy alone', () => {
		const row = { ...initialClockState(T0), markMs: T0 + DAY };
		expect(storedClockState(row, { clockMarkMs: T0 + 2 * DAY }, T0)?.markMs).toBe(T0 + 2 * DAY);
		expect(storedClockState(row, { clockMarkMs: T0 }, T0)?.markMs).toBe(T0 + DAY);
		expect(storedClockState(undefined, { clockMarkMs: T0 + DAY }, T0)).toEqual({
			...initialClockState(T0),
			markMs: T0 + DAY
		});
		expect(storedClockState(undefined, {}, T0)).toBeNull();
		expect(storedClockState({ markMs: 'x' }, undefined, T0)).toBeNull();
	});
});
