// The outbox: operations that need the server, queued in the core's storage and sent in order when it
// can be reached — from the open page, from the service worker's Background Sync when the page is
// closed, or from a vendor's program.
//
// Every item has a client id the server applies at most once, so sending an item again after a crash
// or a lost answer is always safe. Items the server rejects for good are marked failed with its reason
// and never retried by themselves; items that need a sign-in wait for one.
import type { SyncResult } from '$lib/protocol/api.js';
import { MAX_SYNC_BATCH } from '$lib/protocol/api-limits.js';
import type { OperationType } from '$lib/protocol/operation-types.js';
import type { ServerApi } from '../api/server-api.js';
import {
	TABLE_NAMES,
	type LicenseStorage,
	type StorageTransaction,
	type StoredRow
} from '../platform/storage.js';
import { IDENTITY_ROW_ID, outboxItemSchema, type OutboxItem } from '../rows.js';
import { CLOCK_KEY, storedClockState } from '../time/clock-state.js';
import { keepServerTime } from '../time/clock-store.js';
import { answersRequest, newTimeRequest } from '../time/time-nonce.js';

export const OUTBOX_LOCK = 'airlock-outbox';
export const SYNC_TAG = 'airlock-outbox';
const BASE_BACKOFF_MS = 2_000;
const MAX_BACKOFF_MS = 5 * 60_000;

export function newOutboxItem(type: OperationType, payload: unknown, now: number): OutboxItem {
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
 * The writes a ResultHandler prepared: storage work only (no network, no WebCrypto), run inside
 * the transaction that marks the batch done, so the results and the items' states commit together.
 */
export type ResultWriter = (tx: StorageTransaction) => Promise<void>;

/**
 * What the client does with the results of a batch's applied items, in queue order (store the
 * licenses they brought, …): called once per batch. Work that is not storage (verifying
 * signatures, fetching keys) happens here; the writes are returned as a ResultWriter, which the
 * outbox runs in the batch's one transaction.
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

/**
 * The oldest `size` due items in one state, read through the storage's (state, createdAt) order so a
 * long queue costs one batch's worth of reads, not the whole queue's. Rows it skips (not due yet,
 * damaged) are left out and the next rows read instead.
 */
async function dueInState(
	tx: StorageTransaction,
	state: OutboxItem['state'],
	size: number,
	now: number,
	force: boolean,
	inHand: ReadonlySet<string>
): Promise<OutboxItem[]> {
	const skip = new Set(inHand);
	const due: OutboxItem[] = [];
	for (;;) {
		const want = size - due.length;
		const rows: StoredRow[] = await tx.range('outbox', {
			field: 'state',
			value: state,
			orderBy: 'createdAt',
			limit: want,
			skip
		});
		for (const row of rows) {
			const parsed = outboxItemSchema.safeParse(row);
			if (parsed.success && (force || parsed.data.nextAttemptAt <= now)) due.push(parsed.data);
			skip.add(String(row.id));
		}
		if (rows.length < want || due.length === size) return due;
	}
}

/** The next batch: the oldest due items that are not already in flight. A damaged row is skipped. */
function dueItems(
	storage: LicenseStorage,
	size: number,
	now: number,
	force: boolean,
	inHand: ReadonlySet<string>
): Promise<OutboxItem[]> {
	return storage.transaction('r', ['outbox'], async (tx) => {
		// Earlier versions marked items 'sending' while in flight; one a crash left so goes again (the
		// server dedupes by id).
		const rows = [
			...(await dueInState(tx, 'queued', size, now, force, inHand)),
			...(await dueInState(tx, 'sending', size, now, force, inHand))
		];
		return rows.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id)).slice(0, size);
	});
}

/** How the server's result for an item changes it in the outbox. */
function changesFor(item: OutboxItem, result: SyncResult, now: number): Partial<OutboxItem> {
	// Answered for good: the sealed authorization has done its work and is not kept.
	if (result.status === 'applied')
		return {
			state: 'done',
			result: result.result ?? null,
			lastError: null,
			attempts: item.attempts + 1,
			settledAt: now,
			authorization: null
		};
	if (result.status === 'rejected')
		return {
			state: 'failed',
			authorization: null,
			lastError: result.error ?? { code: 'rejected', message: 'The server refused this operation.' },
			attempts: item.attempts + 1,
			settledAt: now
		};
	return {
		state: 'needs-sign-in',
		lastError: result.error ?? { code: 'not_signed_in', message: 'Sign in to finish.' },
		nextAttemptAt: now,
		settledAt: now
	};
}

const NOT_ANSWERED = {
	code: 'not_answered',
	message: 'The server could not finish this operation this time. It is sent again in a moment.'
};

/** How long a done item stays, for the page that queued it to show what became of it. */
export const DONE_KEPT_MS = 24 * 60 * 60_000;

/**
 * Forgets done items kept long enough: what they brought is stored, and a queue must not grow
 * with every activation. (A done License list edit stays until the next pull of the list, which
 * has its result: store-sync.ts.)
 */
async function forgetDone(storage: LicenseStorage, now: number): Promise<void> {
	await storage.transaction('rw', ['outbox'], async (tx) => {
		const done = await tx.where('outbox', 'state', ['done']);
		const old = done.filter(
			(row) => row.type !== 'store-edit' && Number(row.settledAt ?? row.createdAt) < now - DONE_KEPT_MS
		);
		if (old.length > 0)
			await tx.deleteMany(
				'outbox',
				old.map((row) => String(row.id))
			);
	});
}

/** A batch on its way: its items, when they were read, and the server's answer to come. */
interface Batch {
	items: OutboxItem[];
	now: number;
	answer: ReturnType<ServerApi['sync']>;
	/**
	 * The device time when the answer arrived (it may be stored a while later, after the previous
	 * batch's), and whether its signed time answers this very request (time-nonce.ts).
	 */
	receipt: { at: number; freshTime: boolean };
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
	storage: LicenseStorage,
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
			// Not answered: the server stopped at a fault before it (or at it). It is sent again, after
			// a growing delay as for a failed request, so a fault that lasts does not make every flush
			// send it at once; the items answered before it stay answered.
			updates.push({
				key: item.id,
				changes: {
					state: 'queued',
					attempts: item.attempts + 1,
					nextAttemptAt: batch.now + backoff(item.attempts),
					lastError: NOT_ANSWERED
				}
			});
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
	await storage.transaction('rw', TABLE_NAMES, async (tx) => {
		if (write) await write(tx);
		await tx.updateMany('outbox', updates);
		await recordServerContact(tx, batch.now, answer.serverTime);
		if (answer.signedTime)
			await keepServerTime(tx, answer.signedTime, batch.receipt.at, batch.receipt.freshTime);
	});
	return outcome;
}

/** A batch that was not answered (not sent, or failed as a whole on the server) goes again later. */
async function requeue(storage: LicenseStorage, batch: Batch, lastError: OutboxItem['lastError']) {
	await storage.transaction('rw', ['outbox'], (tx) =>
		tx.updateMany(
			'outbox',
			batch.items.map((item) => ({
				key: item.id,
				changes: {
					state: 'queued' as const,
					attempts: item.attempts + 1,
					nextAttemptAt: batch.now + backoff(item.attempts),
					lastError
				}
			}))
		)
	);
}

function send(api: ServerApi, items: OutboxItem[], now: number, clock: () => number): Batch {
	const time = newTimeRequest();
	const receipt = { at: now, freshTime: false };
	const answer = api
		.sync(
			items.map(({ id, type, payload, account, authorization }) => ({
				id,
				type,
				payload,
				...(account ? { account } : {}),
				...(authorization ? { authorization } : {})
			})),
			time.nonce
		)
		.then((reply) => {
			const signedTime = reply.kind === 'ok' ? reply.value.signedTime : undefined;
			receipt.at = clock();
			receipt.freshTime = signedTime !== undefined && answersRequest(time, signedTime);
			return reply;
		});
	return { items, now, answer, receipt };
}

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
	storage: LicenseStorage,
	api: ServerApi,
	onApplied: ResultHandler,
	options: Required<Pick<FlushOptions, 'now' | 'force' | 'batchSize'>>
): Promise<FlushOutcome> {
	const { force, batchSize: size } = options;
	const total: FlushOutcome = { sent: 0, applied: 0, rejected: 0, needsSignIn: 0, unreachable: false };
	const now = options.now();
	await forgetDone(storage, now);
	const items = await dueItems(storage, size, now, force, new Set());
	if (items.length === 0) return total;
	let batch = send(api, items, now, options.now);
	for (;;) {
		// The next batch is read while the server works on this one; this one's items are left out.
		const nextNow = options.now();
		const nextItems =
			batch.items.length === size
				? await dueItems(storage, size, nextNow, force, new Set(batch.items.map((item) => item.id)))
				: [];
		const answer = await batch.answer;
		if (answer.kind !== 'ok') {
			await requeue(
				storage,
				batch,
				answer.kind === 'refused'
					? answer.error
					: { code: 'unreachable', message: 'The activation server cannot be reached.' }
			);
			total.unreachable = answer.kind === 'unreachable';
			return total;
		}
		const next = nextItems.length > 0 ? send(api, nextItems, nextNow, options.now) : null;
		try {
			addCounts(total, await settle(storage, batch, answer.value, onApplied));
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

const flights = new WeakMap<LicenseStorage, Flight>();

/**
 * Sends every due item (see flushPass). One flush at a time per storage in a program, and across
 * pages and the service worker through a Web Lock where the browser has them (elsewhere, two
 * processes flushing at once may send an item twice: the server applies it once and answers both
 * the same). A flush asked for while one runs makes that one go round once more, so nothing queued
 * meanwhile waits for the next trigger.
 */
export function flushOutbox(
	storage: LicenseStorage,
	api: ServerApi,
	onApplied: ResultHandler,
	options: FlushOptions = {}
): Promise<FlushOutcome> {
	const current = flights.get(storage);
	if (current) {
		current.again = true;
		return current.running;
	}
	const settings = {
		now: options.now ?? Date.now,
		force: options.force ?? false,
		batchSize: options.batchSize ?? MAX_SYNC_BATCH
	};
	const pass = () => flushPass(storage, api, onApplied, settings);
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
			flights.delete(storage);
		}
	})();
	flights.set(storage, flight);
	return flight.running;
}

/** After a sign-in: items waiting for one go back in the queue. */
export async function resumeAfterSignIn(storage: LicenseStorage, now: number): Promise<void> {
	await storage.transaction('rw', ['outbox'], async (tx) => {
		const waiting = await tx.where('outbox', 'state', ['needs-sign-in']);
		await tx.updateMany(
			'outbox',
			waiting.map((row) => ({ key: String(row.id), changes: { state: 'queued', nextAttemptAt: now } }))
		);
	});
}

/** The user's Retry on a failed item: it is sent again (the server still applies it at most once). */
export async function retryItem(storage: LicenseStorage, id: string, now: number): Promise<void> {
	await storage.transaction('rw', ['outbox'], (tx) =>
		tx.update('outbox', id, { state: 'queued', nextAttemptAt: now })
	);
}

/** Queues an operation inside the caller's transaction (with the local change it belongs to). */
export async function enqueue(tx: StorageTransaction, item: OutboxItem): Promise<void> {
	await tx.put('outbox', item);
}

/** Every readable item of the queue, oldest first (damaged rows are left out). */
export async function readOutbox(storage: LicenseStorage): Promise<OutboxItem[]> {
	const rows = await storage.transaction('r', ['outbox'], (tx) => tx.all('outbox'));
	return rows
		.flatMap((row) => {
			const parsed = outboxItemSchema.safeParse(row);
			return parsed.success ? [parsed.data] : [];
		})
		.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
}

/** How many items wait to be sent (queued, or left 'sending' by a crash). */
export function countDue(storage: LicenseStorage): Promise<number> {
	return storage.transaction('r', ['outbox'], (tx) => tx.count('outbox', 'state', ['queued', 'sending']));
}

export const LAST_CONTACT_KEY = 'lastSuccessfulSyncAt';
const SERVER_TIME_KEY = 'serverTime';

/**
 * When the server was last heard from, or null: the last recorded contact, or the last verified
 * server time the trusted clock received if that is later (a time confirmed by any request, here or
 * in another context, is a contact too: "Not synced yet" must not stay once the server confirmed
 * the time).
 */
export async function readLastContact(storage: LicenseStorage): Promise<number | null> {
	const [contact, clock, identity] = await storage.transaction('r', ['syncState', 'identity'], (tx) =>
		Promise.all([
			tx.get('syncState', LAST_CONTACT_KEY),
			tx.get('syncState', CLOCK_KEY),
			tx.get('identity', IDENTITY_ROW_ID)
		])
	);
	const recorded = typeof contact?.value === 'number' ? contact.value : null;
	const confirmed = storedClockState(clock?.value, identity, 0)?.serverTimeReceivedAtMs ?? null;
	if (recorded === null) return confirmed;
	return confirmed === null ? recorded : Math.max(recorded, confirmed);
}

/** Every answer of the server counts as a contact: the "Last sync" a user sees. */
export async function recordServerContact(
	tx: StorageTransaction,
	at: number,
	serverTime: number
): Promise<void> {
	await tx.putMany('syncState', [
		{ key: LAST_CONTACT_KEY, value: at },
		{ key: SERVER_TIME_KEY, value: serverTime }
	]);
}
