// The server's Prometheus metrics (prom-client), in one registry of its own: requests and their
// latency by route, activations and sync operations by outcome, database errors and waits, and the
// depth of the queues a request can wait in. Labels take only bounded values (route ids, error
// codes, operation types), never what a client typed. Served by GET /metrics (routes/metrics).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ApiErrorCode } from '$lib/protocol/api-error';
import { isOperationType } from '$lib/protocol/operation-types';

function createMetrics() {
	const registry = new Registry();
	collectDefaultMetrics({ register: registry, prefix: 'airlock_' });
	const queueDepths = new Map<string, () => number>();
	return {
		registry,
		/** Sources of queue depths, read at each scrape: the SQLite write queue, the PostgreSQL pool. */
		queueDepths,
		requests: new Counter({
			name: 'airlock_http_requests_total',
			help: 'HTTP requests answered, by route, method and status.',
			labelNames: ['route', 'method', 'status'] as const,
			registers: [registry]
		}),
		requestSeconds: new Histogram({
			name: 'airlock_http_request_duration_seconds',
			help: 'Time to answer an HTTP request, by route and method.',
			labelNames: ['route', 'method'] as const,
			buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
			registers: [registry]
		}),
		activations: new Counter({
			name: 'airlock_activations_total',
			help: 'Activation and refresh requests, by path and outcome (activated or the refusal code).',
			labelNames: ['path', 'outcome'] as const,
			registers: [registry]
		}),
		syncOperations: new Counter({
			name: 'airlock_sync_operations_total',
			help: 'Queued operations received through sync, by type and outcome.',
			labelNames: ['type', 'outcome'] as const,
			registers: [registry]
		}),
		databaseErrors: new Counter({
			name: 'airlock_database_errors_total',
			help: 'Database failures: busy (locked past the wait), unavailable (does not answer), fault.',
			labelNames: ['kind'] as const,
			registers: [registry]
		}),
		databaseBusyWaits: new Counter({
			name: 'airlock_database_busy_waits_total',
			help: 'Times a write found the SQLite file locked by another process and waited.',
			registers: [registry]
		}),
		queueDepth: new Gauge({
			name: 'airlock_queue_depth',
			help: 'Work waiting now: sqlite_writes (group commit), postgres_pool (clients waiting for a connection).',
			labelNames: ['queue'] as const,
			registers: [registry],
			collect() {
				for (const [queue, depth] of queueDepths) this.set({ queue }, depth());
			}
		})
	};
}

type Metrics = ReturnType<typeof createMetrics>;

// One registry per process, also when the module is loaded twice (Vite's dev server reloads modules).
const holder = globalThis as { airlockMetrics?: Metrics };
export const metrics: Metrics = (holder.airlockMetrics ??= createMetrics());

export type CountedPath = 'instant' | 'deferred' | 'refresh';

export function countActivation(
	path: CountedPath,
	outcome: { ok: true } | { ok: false; error: { code: ApiErrorCode | string } }
): void {
	metrics.activations.inc({ path, outcome: outcome.ok ? 'activated' : outcome.error.code });
}

export function countSyncOperation(type: string, outcome: string): void {
	metrics.syncOperations.inc({ type: isOperationType(type) ? type : 'unknown', outcome });
}

/** Registers a queue whose depth each scrape reads (replacing one of the same name). */
export function observeQueue(queue: string, depth: () => number): void {
	metrics.queueDepths.set(queue, depth);
}
