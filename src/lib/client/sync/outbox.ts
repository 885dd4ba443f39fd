// The outbox: operations that need the server, queued in IndexedDB and sent in order when it can be
// reached — from the open page, or from the service worker's Background Sync when the page is closed.
//
// Every item has a client id the server applies at most once, so sending an item again after a crash
// or a lost answer is always safe. Items the server rejects for good are marked failed with its reason
// and never retried by themselves; items that need a sign-in wait for one.
import Dexie from 'dexie';
import { activationResponseSchema, MAX_SYNC_BATCH, type SyncResult } from '$lib/protocol/api';
import type { ServerApi } from '../api/server-api';
import type { LicenseManagerDatabase } from '../db/database';
import { outboxItemSchema, type OutboxItem, type OutboxType } from '../db/schemas';
import { keepServerTime } from '../time/clock-store';

export const OUTBOX_LOCK = 'airlock-outbox';
export const SYNC_TAG = 'airlock-outbox';
const BASE_BACKOFF_MS = 2_000;
const MAX_BACKOFF_MS = 5 * 60_000;

export function newOutboxItem(type: OutboxType, payload: unknown, now: number): OutboxItem {
	return {
		id: crypto.randomUUID(),
		type,
		payload,
		createdAt: now,
		state: 'queued',
		attempts: 0,
		nextAttemptAt: now,
		lastError: null
	};
}

/** An item the server applied, with its result. */
export interface AppliedItem {
	item: OutboxItem;
	result: unknown;
}

/**
 * What the page does with the results of a batch's applied items, in queue order (store the
 * licenses they brought, …): called once per batch, so their work can share one transaction.
 */
export type ResultHandler = (applied: AppliedItem[]) => Promise<void>;

export interface FlushOutcome {
	sent: number;
	applied: number;
	rejected: number;
	needsSignIn: number;
	unreachable: boolean;
}

function backoff(attempts: number): number {
	return Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.min(attempts, 16));
}

/**
 * The next batch: the oldest due items, read through the [state+createdAt] index so a long queue
 * costs one batch's worth of reads, not the whole queue's. A damaged row is skipped.
 */
async function dueItems(db: LicenseManagerDatabase, now: number, force: boolean): Promise<OutboxItem[]> {
	// 'sending' items are ones a crash interrupted: the server dedupes by id, so they go again.
	const states: OutboxItem['state'][] = ['queued', 'sending'];
	const rows = await Promise.all(
		states.map((state) =>
			db.outbox
				.where('[state+createdAt]')
				.between([state, Dexie.minKey], [state, Dexie.maxKey])
				.filter((row) => outboxItemSchema.safeParse(row).success && (force || row.nextAttemptAt <= now))
				.limit(MAX_SYNC_BATCH)
				.toArray()
		)
	);
	return rows
		.flat()
		.map((row) => outboxItemSchema.parse(row))
		.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
		.slice(0, MAX_SYNC_BATCH);
}

/** How the server's result for an item changes it in the outbox. */
function changesFor(item: OutboxItem, result: SyncResult, now: number): Partial<OutboxItem> {
	if (result.status === 'applied')
		return { state: 'done', result: result.result ?? null, lastError: null, attempts: item.attempts + 1 };
	if (result.status === 'rejected')
		return {
			state: 'failed',
			lastError: result.error ?? { code: 'rejected', message: 'The server refused this operation.' },
			attempts: item.attempts + 1
		};
	return {
		state: 'needs-sign-in',
		lastError: result.error ?? { code: 'not_signed_in', message: 'Sign in to finish.' },
		nextAttemptAt: now
	};
}

/** Sends one batch of due items. */
async function flushOnce(
	db: LicenseManagerDatabase,
	api: ServerApi,
	onApplied: ResultHandler,
	now: number,
	force: boolean
): Promise<FlushOutcome & { more: boolean }> {
	const outcome = { sent: 0, applied: 0, rejected: 0, needsSignIn: 0, unreachable: false, more: false };
	const items = await dueItems(db, now, force);
	if (items.length === 0) return outcome;
	await db.outbox.bulkUpdate(items.map((item) => ({ key: item.id, changes: { state: 'sending' as const } })));
	const answer = await api.sync(items.map(({ id, type, payload }) => ({ id, type, payload })));
	if (answer.kind !== 'ok') {
		// Not sent, or the whole batch failed on the server: all of it goes again later.
		const lastError =
			answer.kind === 'refused'
				? answer.error
				: { code: 'unreachable', message: 'The activation server cannot be reached.' };
		await db.outbox.bulkUpdate(
			items.map((item) => ({
				key: item.id,
				changes: {
					state: 'queued' as const,
					attempts: item.attempts + 1,
					nextAttemptAt: now + backoff(item.attempts),
					lastError
				}
			}))
		);
		return { ...outcome, unreachable: answer.kind === 'unreachable' };
	}
	const byId = new Map(answer.value.results.map((result) => [result.id, result]));
	const applied: AppliedItem[] = [];
	const updates: { key: string; changes: Partial<OutboxItem> }[] = [];
	for (const item of items) {
		const result = byId.get(item.id);
		if (!result) {
			updates.push({ key: item.id, changes: { state: 'queued' } });
			continue;
		}
		if (result.status === 'applied') applied.push({ item, result: result.result });
		updates.push({ key: item.id, changes: changesFor(item, result, now) });
		outcome.sent++;
		if (result.status === 'applied') outcome.applied++;
		else if (result.status === 'rejected') outcome.rejected++;
		else outcome.needsSignIn++;
	}
	// The results are handled before the items are marked done: a crash in between sends them
	// again, and the server answers a repeated item the same way.
	if (applied.length > 0) await onApplied(applied);
	await db.transaction('rw', db.outbox, db.syncState, async () => {
		await db.outbox.bulkUpdate(updates);
		await db.syncState.bulkPut([
			{ key: 'lastSuccessfulSyncAt', value: now },
			{ key: 'serverTime', value: answer.value.serverTime }
		]);
		if (answer.value.signedTime) await keepServerTime(db, answer.value.signedTime, now);
	});
	return { ...outcome, more: items.length === MAX_SYNC_BATCH };
}

interface Flight {
	running: Promise<FlushOutcome>;
	/** Asked for again while running: new items may have been queued after the batch was read. */
	again: boolean;
}

const flights = new WeakMap<LicenseManagerDatabase, Flight>();

/**
 * Sends every due item, batch after batch. One flush at a time per database in a page, and across
 * pages and the service worker through a Web Lock where the browser has them. A flush asked for
 * while one runs makes that one go round once more, so nothing queued meanwhile waits for the next
 * trigger.
 */
export function flushOutbox(
	db: LicenseManagerDatabase,
	api: ServerApi,
	onApplied: ResultHandler,
	options: { now?: () => number; force?: boolean } = {}
): Promise<FlushOutcome> {
	const now = options.now ?? Date.now;
	const current = flights.get(db);
	if (current) {
		current.again = true;
		return current.running;
	}
	const pass = async (): Promise<FlushOutcome> => {
		const total: FlushOutcome = { sent: 0, applied: 0, rejected: 0, needsSignIn: 0, unreachable: false };
		for (;;) {
			const batch = await flushOnce(db, api, onApplied, now(), options.force ?? false);
			total.sent += batch.sent;
			total.applied += batch.applied;
			total.rejected += batch.rejected;
			total.needsSignIn += batch.needsSignIn;
			total.unreachable ||= batch.unreachable;
			if (!batch.more || batch.unreachable) return total;
		}
	};
	const flight: Flight = { again: false, running: Promise.resolve(null as unknown as FlushOutcome) };
	flight.running = (async () => {
		try {
			const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
			const run = () => (locks ? locks.request(OUTBOX_LOCK, pass) : pass());
			let outcome = await run();
			while (flight.again && !outcome.unreachable) {
				flight.again = false;
				const next = await run();
				outcome = {
					sent: outcome.sent + next.sent,
					applied: outcome.applied + next.applied,
					rejected: outcome.rejected + next.rejected,
					needsSignIn: outcome.needsSignIn + next.needsSignIn,
					unreachable: next.unreachable
				};
			}
			return outcome;
		} finally {
			flights.delete(db);
		}
	})();
	flights.set(db, flight);
	return flight.running;
}

/** After a sign-in: items waiting for one go back in the queue. */
export async function resumeAfterSignIn(db: LicenseManagerDatabase, now = Date.now()): Promise<void> {
	await db.outbox.where('state').equals('needs-sign-in').modify({ state: 'queued', nextAttemptAt: now });
}

/** The user's Retry on a failed item: it is sent again (the server still applies it at most once). */
export async function retryItem(db: LicenseManagerDatabase, id: string, now = Date.now()): Promise<void> {
	await db.outbox.update(id, { state: 'queued', nextAttemptAt: now });
}

/** Parses an activation or refresh answer carried by an applied item. */
export function activationResultOf(result: unknown) {
	const parsed = activationResponseSchema.safeParse(result);
	return parsed.success ? parsed.data : null;
}
