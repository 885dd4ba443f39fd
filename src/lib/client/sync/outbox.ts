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
 * The writes a ResultHandler prepared: IndexedDB work only (no network, no WebCrypto), run inside
 * the transaction that marks the batch done, so the results and the items' states commit together.
 */
export type ResultWriter = () => Promise<void>;

/**
 * What the page does with the results of a batch's applied items, in queue order (store the
 * licenses they brought, …): called once per batch. Work that is not IndexedDB (verifying
 * signatures, fetching keys) happens here; the writes are returned as a ResultWriter, which the
 * outbox runs in the batch's one transaction. A handler may also write by itself and return nothing.
 */
export type ResultHandler = (applied: AppliedItem[]) => Promise<ResultWriter | void>;

export interface FlushOutcome {
	sent: number;
	applied: number;
	rejected: number;
	needsSignIn: number;
	unreachable: boolean;
}

export interface FlushOptions {
	now?: () => number;
	force?: boolean;
	/** Items per request (tests use small batches to exercise the pipeline). */
	batchSize?: number;
}

function backoff(attempts: number): number {
	return Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.min(attempts, 16));
}

function isDue(row: OutboxItem, now: number, force: boolean, inHand: ReadonlySet<string>): boolean {
	return (
		!inHand.has(row.id) && outboxItemSchema.safeParse(row).success && (force || row.nextAttemptAt <= now)
	);
}

/**
 * The oldest `size` due items in one state, read through the [state+createdAt] index so a long
 * queue costs one batch's worth of reads, not the whole queue's. The index's keys come first, in
 * one request, so that the rows of the batch in flight are not read again; only when rows it
 * skipped (not due yet, damaged) leave the batch short while more rows follow does it walk the
 * index row by row instead (a cursor costs a round trip per row).
 */
async function dueInState(
	db: LicenseManagerDatabase,
	state: OutboxItem['state'],
	size: number,
	now: number,
	force: boolean,
	inHand: ReadonlySet<string>
): Promise<OutboxItem[]> {
	const range = () =>
		db.outbox.where('[state+createdAt]').between([state, Dexie.minKey], [state, Dexie.maxKey]);
	const limit = size + inHand.size;
	const keys = await range().limit(limit).primaryKeys();
	const wanted = keys.filter((key) => !inHand.has(key)).slice(0, size);
	const rows = await db.outbox.bulkGet(wanted);
	const due = rows.filter((row): row is OutboxItem => row !== undefined && isDue(row, now, force, inHand));
	if (due.length === wanted.length && (due.length === size || keys.length < limit)) return due;
	return range()
		.filter((row) => isDue(row, now, force, inHand))
		.limit(size)
		.toArray();
}

/** The next batch: the oldest due items that are not already in flight. A damaged row is skipped. */
async function dueItems(
	db: LicenseManagerDatabase,
	size: number,
	now: number,
	force: boolean,
	inHand: ReadonlySet<string>
): Promise<OutboxItem[]> {
	// Earlier versions marked items 'sending' while in flight; one a crash left so goes again (the
	// server dedupes by id).
	const states: OutboxItem['state'][] = ['queued', 'sending'];
	const rows = await Promise.all(states.map((state) => dueInState(db, state, size, now, force, inHand)));
	return rows
		.flat()
		.map((row) => outboxItemSchema.parse(row))
		.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
		.slice(0, size);
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

/** A batch on its way: its items, when they were read, and the server's answer to come. */
interface Batch {
	items: OutboxItem[];
	now: number;
	answer: ReturnType<ServerApi['sync']>;
}

type BatchOutcome = Omit<FlushOutcome, 'unreachable'>;

function addCounts(total: BatchOutcome, more: BatchOutcome): void {
	total.sent += more.sent;
	total.applied += more.applied;
	total.rejected += more.rejected;
	total.needsSignIn += more.needsSignIn;
}

/**
 * Stores the server's answer to a batch in one transaction: the results of its applied items (the
 * handler's writes), every item's new state and the sync time. The handler prepares before the
 * transaction opens (IndexedDB transactions end when they wait on anything else).
 */
async function settle(
	db: LicenseManagerDatabase,
	batch: Batch,
	answer: { results: SyncResult[]; serverTime: number; signedTime?: string },
	onApplied: ResultHandler
): Promise<BatchOutcome> {
	const outcome: BatchOutcome = { sent: 0, applied: 0, rejected: 0, needsSignIn: 0 };
	const byId = new Map(answer.results.map((result) => [result.id, result]));
	const applied: AppliedItem[] = [];
	const updates: { key: string; changes: Partial<OutboxItem> }[] = [];
	for (const item of batch.items) {
		const result = byId.get(item.id);
		if (!result) {
			updates.push({ key: item.id, changes: { state: 'queued' } });
			continue;
		}
		if (result.status === 'applied') applied.push({ item, result: result.result });
		updates.push({ key: item.id, changes: changesFor(item, result, batch.now) });
		outcome.sent++;
		if (result.status === 'applied') outcome.applied++;
		else if (result.status === 'rejected') outcome.rejected++;
		else outcome.needsSignIn++;
	}
	const write = applied.length > 0 ? await onApplied(applied) : undefined;
	// Results and states commit together: a crash before the commit leaves the items to be sent
	// again, and the server answers a repeated item the same way.
	await db.transaction('rw', db.tables, async () => {
		if (write) await write();
		await db.outbox.bulkUpdate(updates);
		await db.syncState.bulkPut([
			{ key: 'lastSuccessfulSyncAt', value: batch.now },
			{ key: 'serverTime', value: answer.serverTime }
		]);
		if (answer.signedTime) await keepServerTime(db, answer.signedTime, batch.now);
	});
	return outcome;
}

/** A batch that was not answered (not sent, or failed as a whole on the server) goes again later. */
async function requeue(db: LicenseManagerDatabase, batch: Batch, lastError: OutboxItem['lastError']) {
	await db.outbox.bulkUpdate(
		batch.items.map((item) => ({
			key: item.id,
			changes: {
				state: 'queued' as const,
				attempts: item.attempts + 1,
				nextAttemptAt: batch.now + backoff(item.attempts),
				lastError
			}
		}))
	);
}

const send = (api: ServerApi, items: OutboxItem[], now: number): Batch => ({
	items,
	now,
	answer: api.sync(items.map(({ id, type, payload }) => ({ id, type, payload })))
});

/**
 * Sends every due item, batch after batch, pipelined: while the server works on a batch, the page
 * stores the previous batch's results and reads the next batch, which goes out as soon as this one
 * is answered. The server still gets the batches one after the other in queue order (one request
 * at a time), and the results are stored in that order.
 *
 * Items are not marked while in flight (a batch is two hundred rows to write again, for nothing a
 * crash needs: an item the server may have applied is simply sent again, and answered the same).
 */
async function flushPass(
	db: LicenseManagerDatabase,
	api: ServerApi,
	onApplied: ResultHandler,
	options: Required<Pick<FlushOptions, 'now' | 'force' | 'batchSize'>>
): Promise<FlushOutcome> {
	const { force, batchSize: size } = options;
	const total: FlushOutcome = { sent: 0, applied: 0, rejected: 0, needsSignIn: 0, unreachable: false };
	const now = options.now();
	const items = await dueItems(db, size, now, force, new Set());
	if (items.length === 0) return total;
	let batch = send(api, items, now);
	for (;;) {
		// The next batch is read while the server works on this one; this one's items are left out.
		const nextNow = options.now();
		const nextItems =
			batch.items.length === size
				? await dueItems(db, size, nextNow, force, new Set(batch.items.map((item) => item.id)))
				: [];
		const answer = await batch.answer;
		if (answer.kind !== 'ok') {
			await requeue(
				db,
				batch,
				answer.kind === 'refused'
					? answer.error
					: { code: 'unreachable', message: 'The activation server cannot be reached.' }
			);
			total.unreachable = answer.kind === 'unreachable';
			return total;
		}
		const next = nextItems.length > 0 ? send(api, nextItems, nextNow) : null;
		try {
			addCounts(total, await settle(db, batch, answer.value, onApplied));
		} catch (error) {
			// The next batch is left to finish on the server; its items go again with the next flush.
			await next?.answer.catch(() => {});
			throw error;
		}
		if (!next) return total;
		batch = next;
	}
}

interface Flight {
	running: Promise<FlushOutcome>;
	/** Asked for again while running: new items may have been queued after the batch was read. */
	again: boolean;
}

const flights = new WeakMap<LicenseManagerDatabase, Flight>();

/**
 * Sends every due item (see flushPass). One flush at a time per database in a page, and across
 * pages and the service worker through a Web Lock where the browser has them. A flush asked for
 * while one runs makes that one go round once more, so nothing queued meanwhile waits for the next
 * trigger.
 */
export function flushOutbox(
	db: LicenseManagerDatabase,
	api: ServerApi,
	onApplied: ResultHandler,
	options: FlushOptions = {}
): Promise<FlushOutcome> {
	const current = flights.get(db);
	if (current) {
		current.again = true;
		return current.running;
	}
	const settings = {
		now: options.now ?? Date.now,
		force: options.force ?? false,
		batchSize: options.batchSize ?? MAX_SYNC_BATCH
	};
	const pass = () => flushPass(db, api, onApplied, settings);
	const flight: Flight = { again: false, running: Promise.resolve(null as unknown as FlushOutcome) };
	flight.running = (async () => {
		try {
			const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
			const run = () => (locks ? locks.request(OUTBOX_LOCK, pass) : pass());
			const outcome = await run();
			while (flight.again && !outcome.unreachable) {
				flight.again = false;
				const next = await run();
				addCounts(outcome, next);
				outcome.unreachable = next.unreachable;
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
