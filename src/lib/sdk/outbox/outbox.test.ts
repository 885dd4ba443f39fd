// The outbox against a fake server that applies each operation id at most once (as the real one
// does), over a faulty network: dropped requests, dropped answers, duplicated deliveries and a
// crash between the server's commit and its reply. Model-based: random command sequences, with
// small batches so that the pipeline (the next batch sent while the previous one's results are
// stored) runs in most of them.
import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SyncOperation, SyncResult } from '$lib/protocol/api.js';
import type { ApiOutcome } from '../api/api-client.js';
import type { ServerApi } from '../api/server-api.js';
import { dexieStorage, LicenseManagerDatabase } from '../browser/dexie-storage.js';
import type { LicenseStorage, StorageTransaction } from '../platform/storage.js';
import type { OutboxItem } from '../rows.js';
import { memoryStorage } from '../testing/memory-storage.js';
import { flushOutbox, newOutboxItem, retryItem, type AppliedItem } from './outbox.js';

const add = (storage: LicenseStorage, ...items: object[]) =>
	storage.transaction('rw', ['outbox'], (tx) => tx.putMany('outbox', items));
const itemOf = (storage: LicenseStorage, id: string) =>
	storage.transaction('r', ['outbox'], (tx) => tx.get('outbox', id)) as Promise<OutboxItem | undefined>;
const allItems = (storage: LicenseStorage) =>
	storage.transaction('r', ['outbox'], (tx) => tx.all('outbox')) as Promise<OutboxItem[]>;

type Fault = 'none' | 'drop-request' | 'drop-answer' | 'duplicate' | 'server-error';

class FakeServer {
	applied = new Map<string, number>();
	/** Ids in the order the server first applied them. */
	order: string[] = [];
	/** Every request's ids, in the order they arrived. */
	requests: string[][] = [];
	inFlight = 0;
	maxInFlight = 0;
	fault: Fault = 'none';
	/** Operations the server rejects for good. */
	poison = new Set<string>();
	/** An operation that faults on the server: it and those after it in its batch get no result. */
	faulty = new Set<string>();
	/** When set, every answer waits for it (to act while a request is in flight). */
	gate: Promise<void> | null = null;

	private apply(operations: SyncOperation[]): SyncResult[] {
		const fault = operations.findIndex((op) => this.faulty.has(op.id));
		return (fault < 0 ? operations : operations.slice(0, fault)).map((op) => {
			if (this.poison.has(op.id))
				return { id: op.id, status: 'rejected', error: { code: 'no_free_seat', message: 'No free seat.' } };
			if (!this.applied.has(op.id)) {
				this.applied.set(op.id, 1);
				this.order.push(op.id);
			}
			return { id: op.id, status: 'applied', result: { ok: true } };
		});
	}

	api(): ServerApi {
		const sync = async (
			operations: SyncOperation[]
		): Promise<ApiOutcome<{ results: SyncResult[]; serverTime: number }>> => {
			this.requests.push(operations.map((op) => op.id));
			this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
			try {
				if (this.gate) await this.gate;
				// An answer takes a few turns of the event loop, as over a network.
				for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 0));
				return this.answer(operations);
			} finally {
				this.inFlight--;
			}
		};
		return { sync } as unknown as ServerApi;
	}

	private answer(operations: SyncOperation[]): ApiOutcome<{ results: SyncResult[]; serverTime: number }> {
		switch (this.fault) {
			case 'drop-request':
				return { kind: 'unreachable', reason: 'dropped' };
			case 'drop-answer':
				this.apply(operations); // committed, but the answer never arrives
				return { kind: 'unreachable', reason: 'answer lost' };
			case 'server-error':
				return { kind: 'refused', status: 500, error: { code: 'server_error', message: 'boom' } };
			case 'duplicate':
				this.apply(operations);
				return { kind: 'ok', value: { results: this.apply(operations), serverTime: 0 } };
			default:
				return { kind: 'ok', value: { results: this.apply(operations), serverTime: 0 } };
		}
	}
}

let databases = 0;
/** The model runs on the testing twin; the pipeline tests on Dexie too (its index queries). */
const stores = [
	{ name: 'memory', open: () => memoryStorage() },
	{ name: 'Dexie', open: () => dexieStorage(new LicenseManagerDatabase(`outbox-${++databases}`)) }
];

describe('outbox', () => {
	it('never loses or doubles an operation over a faulty network, and drains once it heals', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(
					fc.oneof(
						fc.record({ kind: fc.constant('enqueue' as const), poison: fc.boolean() }),
						fc.record({
							kind: fc.constant('flush' as const),
							fault: fc.constantFrom<Fault>(
								'none',
								'drop-request',
								'drop-answer',
								'duplicate',
								'server-error'
							)
						}),
						fc.record({ kind: fc.constant('crash' as const) })
					),
					{ maxLength: 50 }
				),
				fc.integer({ min: 1, max: 4 }),
				async (commands, batchSize) => {
					const db = memoryStorage();
					const server = new FakeServer();
					const api = server.api();
					let clock = 1_000;
					const handled = new Map<string, number>();
					const handledOrder: string[] = [];
					const onApplied = async (applied: { item: { id: string } }[]) => {
						for (const { item } of applied) {
							handled.set(item.id, (handled.get(item.id) ?? 0) + 1);
							handledOrder.push(item.id);
						}
					};
					const ids: string[] = [];
					for (const command of commands) {
						clock += 1_000;
						if (command.kind === 'enqueue') {
							const item = newOutboxItem('refresh', { request: 'x' }, clock);
							if (command.poison) server.poison.add(item.id);
							ids.push(item.id);
							await add(db, item);
						} else if (command.kind === 'crash') {
							// The page died mid-send: whatever it marked 'sending' stays so.
							await db.transaction('rw', ['outbox'], async (tx) => {
								const queued = await tx.where('outbox', 'state', ['queued']);
								await tx.updateMany(
									'outbox',
									queued.map((row) => ({ key: String(row.id), changes: { state: 'sending' } }))
								);
							});
						} else {
							server.fault = command.fault;
							await flushOutbox(db, api, onApplied, { now: () => clock, force: true, batchSize });
						}
					}
					server.fault = 'none';
					await flushOutbox(db, api, onApplied, {
						now: () => clock + 10 * 60_000,
						force: true,
						batchSize
					});

					const items = await allItems(db);
					expect(items).toHaveLength(ids.length);
					for (const id of ids) {
						const item = items.find((i) => i.id === id)!;
						if (server.poison.has(id)) {
							expect(item.state).toBe('failed');
							expect(item.lastError?.code).toBe('no_free_seat');
							expect(server.applied.has(id)).toBe(false);
						} else {
							expect(item.state).toBe('done');
							expect(server.applied.get(id)).toBe(1);
							expect(handled.get(id)).toBe(1);
						}
					}
					// In queue order: the server applied them, and the page stored their results, oldest
					// first; and one request at a time, never two batches at once.
					const inQueueOrder = ids.filter((id) => !server.poison.has(id));
					expect(server.order).toEqual(inQueueOrder);
					expect(handledOrder).toEqual(inQueueOrder);
					expect(server.maxInFlight).toBeLessThanOrEqual(1);
					for (const request of server.requests) expect(request.length).toBeLessThanOrEqual(batchSize);
				}
			),
			{ numRuns: 1000, seed: 20261128 }
		);
		// A bound on the run, not a timed assertion: 1,000 runs take a few seconds on an idle machine.
	}, 120_000);

	it('a flush asked for during another one still sends what was queued meanwhile', async () => {
		const db = memoryStorage();
		const server = new FakeServer();
		let release = () => {};
		server.gate = new Promise<void>((resolve) => (release = resolve));
		await add(db, newOutboxItem('refresh', { request: 'x' }, 1));
		const first = flushOutbox(db, server.api(), async () => {}, { now: () => 2, force: true });
		// Wait until the first batch is in flight, then queue another item and ask again.
		await expect.poll(() => server.requests.length).toBe(1);
		const late = newOutboxItem('refresh', { request: 'y' }, 2);
		await add(db, late);
		const second = flushOutbox(db, server.api(), async () => {}, { now: () => 3, force: true });
		server.gate = null;
		release();
		await Promise.all([first, second]);
		expect((await itemOf(db, late.id))?.state).toBe('done');
		expect(server.applied.size).toBe(2);
	});

	it('does not retry a rejected item by itself; Retry sends it again', async () => {
		const db = memoryStorage();
		const server = new FakeServer();
		const item = newOutboxItem('instant-activation', { request: 'x' }, 1);
		server.poison.add(item.id);
		await add(db, item);
		await flushOutbox(db, server.api(), async () => {}, { now: () => 2, force: true });
		await flushOutbox(db, server.api(), async () => {}, { now: () => 3, force: true });
		expect((await itemOf(db, item.id))?.state).toBe('failed');
		server.poison.clear();
		await retryItem(db, item.id, 4);
		await flushOutbox(db, server.api(), async () => {}, { now: () => 5, force: true });
		expect((await itemOf(db, item.id))?.state).toBe('done');
	});

	it('keeps the answers before an operation that faulted on the server, and sends it and the rest later, with a delay', async () => {
		const db = memoryStorage();
		const server = new FakeServer();
		const items = [0, 1, 2].map((i) => newOutboxItem('store-edit', { edit: i }, i));
		await add(db, ...items);
		server.faulty.add(items[1]!.id);
		const outcome = await flushOutbox(db, server.api(), async () => {}, { now: () => 10 });
		expect(outcome).toMatchObject({ sent: 1, applied: 1 });
		const [first, second, third] = await Promise.all(items.map((item) => itemOf(db, item.id)));
		expect(first!.state).toBe('done');
		for (const unanswered of [second!, third!]) {
			expect(unanswered.state).toBe('queued');
			expect(unanswered.attempts).toBe(1);
			expect(unanswered.nextAttemptAt).toBeGreaterThan(10);
			expect(unanswered.lastError?.code).toBe('not_answered');
		}
		// Not sent again before its delay is over; then it goes, and the queue drains.
		expect((await flushOutbox(db, server.api(), async () => {}, { now: () => 11 })).sent).toBe(0);
		server.faulty.clear();
		const later = await flushOutbox(db, server.api(), async () => {}, { now: () => second!.nextAttemptAt });
		expect(later.applied).toBe(2);
		expect(server.order).toEqual(items.map((item) => item.id));
	});

	it('waits with a growing delay after a failed attempt', async () => {
		const db = memoryStorage();
		const server = new FakeServer();
		server.fault = 'drop-request';
		await add(db, newOutboxItem('refresh', { request: 'x' }, 0));
		await flushOutbox(db, server.api(), async () => {}, { now: () => 0 });
		const [first] = await allItems(db);
		expect(first!.state).toBe('queued');
		expect(first!.nextAttemptAt).toBeGreaterThan(0);
		server.fault = 'none';
		const early = await flushOutbox(db, server.api(), async () => {}, {
			now: () => first!.nextAttemptAt - 1
		});
		expect(early.sent).toBe(0);
		const due = await flushOutbox(db, server.api(), async () => {}, { now: () => first!.nextAttemptAt });
		expect(due.applied).toBe(1);
	});
});

describe.each(stores)('outbox pipeline ($name)', ({ open }) => {
	/** Each item's count of stored results, kept in the storage so a rolled-back write does not count. */
	const storedCount = (db: LicenseStorage, id: string) =>
		db
			.transaction('r', ['settings'], (tx) => tx.get('settings', `stored:${id}`))
			.then((row) => (row?.value as number | undefined) ?? 0);

	function countingHandler(hooks: { onWrite?: (batch: string[]) => void } = {}) {
		return async (applied: AppliedItem[]) => async (tx: StorageTransaction) => {
			const ids = applied.map(({ item }) => item.id);
			for (const id of ids) {
				const row = await tx.get('settings', `stored:${id}`);
				await tx.put('settings', { key: `stored:${id}`, value: ((row?.value as number) ?? 0) + 1 });
			}
			hooks.onWrite?.(ids);
		};
	}

	async function queue(db: LicenseStorage, count: number) {
		const items = Array.from({ length: count }, (_, i) =>
			newOutboxItem('refresh', { request: `r${i}` }, 10 + i)
		);
		await add(db, ...items);
		return items.map((item) => item.id);
	}

	it('sends the next batch while the previous one’s results are stored, in queue order', async () => {
		const db = open();
		const server = new FakeServer();
		const ids = await queue(db, 7);
		const requestsAtWrite: number[] = [];
		const outcome = await flushOutbox(
			db,
			server.api(),
			countingHandler({ onWrite: () => requestsAtWrite.push(server.requests.length) }),
			{ now: () => 100, batchSize: 3 }
		);
		expect(outcome.applied).toBe(7);
		expect(server.requests).toEqual([ids.slice(0, 3), ids.slice(3, 6), ids.slice(6)]);
		// Batch 1's results were stored once batch 2 was on its way, and so on; never two requests at once.
		expect(requestsAtWrite).toEqual([2, 3, 3]);
		expect(server.maxInFlight).toBe(1);
		for (const id of ids) {
			expect((await itemOf(db, id))?.state).toBe('done');
			expect(await storedCount(db, id)).toBe(1);
		}
	});

	it('a crash while a batch’s results are stored loses nothing and doubles nothing', async () => {
		const db = open();
		const server = new FakeServer();
		const ids = await queue(db, 9);
		let crashes = 1;
		const handler = countingHandler({
			onWrite: (batch) => {
				// The page dies while storing the second batch, the third already sent.
				if (batch[0] === ids[3] && crashes-- > 0) throw new Error('the page crashed');
			}
		});
		await expect(flushOutbox(db, server.api(), handler, { now: () => 100, batchSize: 3 })).rejects.toThrow(
			'the page crashed'
		);
		// Results and states commit together: the second batch is neither stored nor done.
		for (const id of ids.slice(3, 6)) {
			expect((await itemOf(db, id))?.state).toBe('queued');
			expect(await storedCount(db, id)).toBe(0);
		}
		// The third batch reached the server, which applied it; the page never stored its answer.
		expect(ids.slice(6).every((id) => server.applied.has(id))).toBe(true);
		expect((await itemOf(db, ids[6]!))?.state).toBe('queued');

		await flushOutbox(db, server.api(), handler, { now: () => 200, batchSize: 3 });
		for (const id of ids) {
			expect((await itemOf(db, id))?.state).toBe('done');
			expect(await storedCount(db, id)).toBe(1);
			expect(server.applied.get(id)).toBe(1);
		}
		expect(server.order).toEqual(ids);
	});

	it('skips items not due yet and damaged rows past the first page, in queue order', async () => {
		const db = open();
		const server = new FakeServer();
		const items = Array.from({ length: 8 }, (_, i) => ({
			...newOutboxItem('refresh', { request: `r${i}` }, 10 + i),
			// Every third item waits for its next attempt.
			nextAttemptAt: i % 3 === 0 ? 1_000 : 10
		}));
		await add(db, ...items);
		const damaged = { ...newOutboxItem('refresh', { request: 'x' }, 12), attempts: -1 };
		await add(db, damaged);
		const outcome = await flushOutbox(db, server.api(), async () => {}, { now: () => 100, batchSize: 2 });
		const due = items.filter((_, i) => i % 3 !== 0).map((item) => item.id);
		expect(outcome.applied).toBe(due.length);
		expect(server.order).toEqual(due);
		expect(server.requests.every((request) => request.length <= 2)).toBe(true);
		for (const [i, item] of items.entries())
			expect((await itemOf(db, item.id))?.state).toBe(i % 3 === 0 ? 'queued' : 'done');
		expect((await itemOf(db, damaged.id))?.state).toBe('queued');
	});
});
