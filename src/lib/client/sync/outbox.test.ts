// The outbox against a fake server that applies each operation id at most once (as the real one
// does), over a faulty network: dropped requests, dropped answers, duplicated deliveries and a
// crash between the server's commit and its reply. Model-based: random command sequences.
import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SyncOperation, SyncResult } from '$lib/protocol/api';
import type { ApiOutcome } from '../api/api-client';
import type { ServerApi } from '../api/server-api';
import { LicenseManagerDatabase } from '../db/database';
import { flushOutbox, newOutboxItem, retryItem } from './outbox';

type Fault = 'none' | 'drop-request' | 'drop-answer' | 'duplicate' | 'server-error';

class FakeServer {
	applied = new Map<string, number>();
	fault: Fault = 'none';
	/** Operations the server rejects for good. */
	poison = new Set<string>();
	/** When set, every answer waits for it (to act while a request is in flight). */
	gate: Promise<void> | null = null;

	private apply(operations: SyncOperation[]): SyncResult[] {
		return operations.map((op) => {
			if (this.poison.has(op.id))
				return { id: op.id, status: 'rejected', error: { code: 'no_free_seat', message: 'No free seat.' } };
			if (!this.applied.has(op.id)) this.applied.set(op.id, 1);
			return { id: op.id, status: 'applied', result: { ok: true } };
		});
	}

	api(): ServerApi {
		const sync = async (
			operations: SyncOperation[]
		): Promise<ApiOutcome<{ results: SyncResult[]; serverTime: number }>> => {
			if (this.gate) await this.gate;
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
		};
		return { sync } as unknown as ServerApi;
	}
}

let databases = 0;

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
				async (commands) => {
					const db = new LicenseManagerDatabase(`outbox-model-${++databases}`);
					const server = new FakeServer();
					const api = server.api();
					let clock = 1_000;
					const handled = new Map<string, number>();
					const onApplied = async (applied: { item: { id: string } }[]) => {
						for (const { item } of applied) handled.set(item.id, (handled.get(item.id) ?? 0) + 1);
					};
					const ids: string[] = [];
					for (const command of commands) {
						clock += 1_000;
						if (command.kind === 'enqueue') {
							const item = newOutboxItem('refresh', { request: 'x' }, clock);
							if (command.poison) server.poison.add(item.id);
							ids.push(item.id);
							await db.outbox.add(item);
						} else if (command.kind === 'crash') {
							// The page died mid-send: whatever it marked 'sending' stays so.
							await db.outbox.where('state').equals('queued').modify({ state: 'sending' });
						} else {
							server.fault = command.fault;
							await flushOutbox(db, api, onApplied, { now: () => clock, force: true });
						}
					}
					server.fault = 'none';
					await flushOutbox(db, api, onApplied, { now: () => clock + 10 * 60_000, force: true });

					const items = await db.outbox.toArray();
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
					db.close();
				}
			),
			{ numRuns: 1000, seed: 20261128 }
		);
		// A bound on the run, not a timed assertion: 1,000 runs take a few seconds on an idle machine.
	}, 120_000);

	it('a flush asked for during another one still sends what was queued meanwhile', async () => {
		const db = new LicenseManagerDatabase(`outbox-again-${++databases}`);
		const server = new FakeServer();
		let release = () => {};
		server.gate = new Promise<void>((resolve) => (release = resolve));
		await db.outbox.add(newOutboxItem('refresh', { request: 'x' }, 1));
		const first = flushOutbox(db, server.api(), async () => {}, { now: () => 2, force: true });
		// Wait until the first batch is in flight, then queue another item and ask again.
		await expect.poll(() => db.outbox.where('state').equals('sending').count()).toBe(1);
		const late = newOutboxItem('refresh', { request: 'y' }, 2);
		await db.outbox.add(late);
		const second = flushOutbox(db, server.api(), async () => {}, { now: () => 3, force: true });
		server.gate = null;
		release();
		await Promise.all([first, second]);
		expect((await db.outbox.get(late.id))?.state).toBe('done');
		expect(server.applied.size).toBe(2);
	});

	it('does not retry a rejected item by itself; Retry sends it again', async () => {
		const db = new LicenseManagerDatabase(`outbox-retry-${++databases}`);
		const server = new FakeServer();
		const item = newOutboxItem('instant-activation', { request: 'x' }, 1);
		server.poison.add(item.id);
		await db.outbox.add(item);
		await flushOutbox(db, server.api(), async () => {}, { now: () => 2, force: true });
		await flushOutbox(db, server.api(), async () => {}, { now: () => 3, force: true });
		expect((await db.outbox.get(item.id))?.state).toBe('failed');
		server.poison.clear();
		await retryItem(db, item.id, 4);
		await flushOutbox(db, server.api(), async () => {}, { now: () => 5, force: true });
		expect((await db.outbox.get(item.id))?.state).toBe('done');
	});

	it('waits with a growing delay after a failed attempt', async () => {
		const db = new LicenseManagerDatabase(`outbox-backoff-${++databases}`);
		const server = new FakeServer();
		server.fault = 'drop-request';
		await db.outbox.add(newOutboxItem('refresh', { request: 'x' }, 0));
		await flushOutbox(db, server.api(), async () => {}, { now: () => 0 });
		const [first] = await db.outbox.toArray();
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
