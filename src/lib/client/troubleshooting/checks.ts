// The troubleshooting checks: facts gathered from the browser and the local database (probe.ts) in,
// a pass / warning / failure with what to do out. Pure, so every verdict is tested without a browser.
import { readableVersion } from '../readable-version';
import type { ApiError } from '$lib/protocol/api';
import { t } from '$lib/i18n';
import type { ClockProblem } from '$lib/protocol/trusted-clock';

export const CHECK_IDS = [
	'network',
	'server',
	'service-worker',
	'storage',
	'file-access',
	'camera',
	'clock',
	'sync'
] as const;
export type CheckId = (typeof CHECK_IDS)[number];
export type CheckStatus = 'pass' | 'warning' | 'failure';

export interface CheckResult {
	id: CheckId;
	status: CheckStatus;
	summary: string;
	/** What to do next; absent when nothing is needed. */
	action?: string;
}

export type ServerFacts =
	| { kind: 'ok'; latencyMs: number; version: string }
	| { kind: 'refused'; status: number; error: ApiError }
	| { kind: 'unreachable'; reason: string };

export interface DiagnosticFacts {
	collectedAt: number;
	appVersion: string;
	userAgent: string;
	online: boolean;
	server: ServerFacts;
	serviceWorker:
		| { supported: false }
		| { supported: true; active: boolean; controlling: boolean; waiting: boolean; version: string | null };
	storage:
		| { supported: false }
		| { supported: true; persisted: boolean; usageBytes: number | null; quotaBytes: number | null };
	fileAccess: { nativePicker: boolean };
	camera:
		| { supported: false }
		| { supported: true; devices: number; permission: 'granted' | 'denied' | 'prompt' | 'unknown' };
	clock: { problem: ClockProblem | null; skewMs: number | null; serverTimeAt: number | null };
	sync: {
		pending: number;
		needsSignIn: number;
		failed: { type: string; message: string }[];
		lastSyncAt: number | null;
	};
	/**
	 * Why the License Manager's own data cannot be used (not opened, or gone while the page was open),
	 * in the words the page shows; null when it can. The local facts below are then unknown.
	 */
	storageProblem: string | null;
	/** Null when the storage (which holds the identity) cannot be read. */
	deviceId: string | null;
	licenses: { licenseNumber: string; kind: string; status: string; expiresAt: number | null }[];
}

/** Slower than this and an Instant Activation may time out on a bad day. */
export const SLOW_SERVER_MS = 3_000;
/** A clock this far from the server's is worth fixing. */
export const CLOCK_SKEW_WARNING_MS = 5 * 60_000;
const LOW_STORAGE_BYTES = 10 * 1024 * 1024;
const EMAIL_ADDRESS = /[^\s@<>()"',;:]+@[^\s@<>()"',;:]+/g;

const s = t.troubleshooting;

export function formatBytes(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	const units = ['KB', 'MB', 'GB', 'TB'];
	let value = bytes / 1024;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}
	return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** A clock difference in words: "2 min 5 s ahead", "3 h behind", "less than a second". */
export function formatSkew(skewMs: number): string {
	const size = Math.abs(skewMs);
	if (size < 1000) return 'less than a second';
	const seconds = Math.round(size / 1000);
	const parts =
		seconds < 60
			? `${seconds} s`
			: seconds < 3600
				? `${Math.floor(seconds / 60)} min ${seconds % 60} s`
				: seconds < 86_400
					? `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`
					: `${Math.floor(seconds / 86_400)} d ${Math.floor((seconds % 86_400) / 3600)} h`;
	return `${parts} ${skewMs > 0 ? 'ahead' : 'behind'}`;
}

function network(facts: DiagnosticFacts): CheckResult {
	return facts.online
		? { id: 'network', status: 'pass', summary: s.network.online }
		: { id: 'network', status: 'failure', summary: s.network.offline, action: s.network.offlineAction };
}

function server(facts: DiagnosticFacts): CheckResult {
	const answer = facts.server;
	if (answer.kind === 'ok')
		return answer.latencyMs > SLOW_SERVER_MS
			? {
					id: 'server',
					status: 'warning',
					summary: s.server.slow(answer.latencyMs),
					action: s.server.slowAction
				}
			: {
					id: 'server',
					status: 'pass',
					summary: s.server.ok(answer.latencyMs, readableVersion(answer.version))
				};
	if (answer.kind === 'refused')
		return {
			id: 'server',
			status: 'failure',
			summary: s.server.refused(answer.status, answer.error.message),
			action: s.server.unreachableAction
		};
	return {
		id: 'server',
		status: 'failure',
		summary: s.server.unreachable,
		action: facts.online ? s.server.unreachableAction : s.server.offlineAction
	};
}

function serviceWorker(facts: DiagnosticFacts): CheckResult {
	const worker = facts.serviceWorker;
	const id = 'service-worker';
	if (!worker.supported)
		return {
			id,
			status: 'failure',
			summary: s.serviceWorker.unsupported,
			action: s.serviceWorker.unsupportedAction
		};
	if (!worker.active)
		return {
			id,
			status: 'warning',
			summary: s.serviceWorker.notActive,
			action: s.serviceWorker.notActiveAction
		};
	const version = readableVersion(worker.version ?? facts.appVersion);
	if (worker.waiting)
		return {
			id,
			status: 'warning',
			summary: s.serviceWorker.waiting(version),
			action: s.serviceWorker.waitingAction
		};
	if (!worker.controlling) return { id, status: 'warning', summary: s.serviceWorker.notControlling };
	return { id, status: 'pass', summary: s.serviceWorker.active(version) };
}

function storage(facts: DiagnosticFacts): CheckResult {
	const store = facts.storage;
	const id = 'storage';
	if (facts.storageProblem !== null)
		return {
			id,
			status: 'failure',
			summary: s.storage.cannotUse(facts.storageProblem),
			action: s.storage.cannotUseAction
		};
	if (!store.supported) return { id, status: 'warning', summary: s.storage.unsupported };
	const usage =
		store.usageBytes !== null && store.quotaBytes !== null
			? s.storage.usage(formatBytes(store.usageBytes), formatBytes(store.quotaBytes - store.usageBytes))
			: '';
	const available =
		store.quotaBytes !== null && store.usageBytes !== null ? store.quotaBytes - store.usageBytes : null;
	if (available !== null && available < LOW_STORAGE_BYTES)
		return { id, status: 'failure', summary: `${s.storage.low} ${usage}`, action: s.storage.lowAction };
	if (!store.persisted)
		return {
			id,
			status: 'warning',
			summary: `${s.storage.bestEffort} ${usage}`.trim(),
			action: s.storage.bestEffortAction
		};
	return { id, status: 'pass', summary: `${s.storage.persisted} ${usage}`.trim() };
}

function fileAccess(facts: DiagnosticFacts): CheckResult {
	return facts.fileAccess.nativePicker
		? { id: 'file-access', status: 'pass', summary: s.fileAccess.native }
		: {
				id: 'file-access',
				status: 'warning',
				summary: s.fileAccess.fallback,
				action: s.fileAccess.fallbackAction
			};
}

function camera(facts: DiagnosticFacts): CheckResult {
	const cam = facts.camera;
	const id = 'camera';
	if (!cam.supported)
		return { id, status: 'warning', summary: s.camera.unsupported, action: s.camera.noneAction };
	if (cam.permission === 'denied')
		return { id, status: 'failure', summary: s.camera.denied, action: s.camera.deniedAction };
	if (cam.devices === 0)
		return { id, status: 'warning', summary: s.camera.none, action: s.camera.noneAction };
	return { id, status: 'pass', summary: s.camera.available(cam.devices, cam.permission) };
}

function clock(facts: DiagnosticFacts): CheckResult {
	const { problem, skewMs } = facts.clock;
	const id = 'clock';
	if (problem) return { id, status: 'failure', summary: s.clock.setBack, action: s.clock.setBackAction };
	if (skewMs === null)
		return { id, status: 'warning', summary: s.clock.neverSynced, action: s.clock.neverSyncedAction };
	if (Math.abs(skewMs) > CLOCK_SKEW_WARNING_MS)
		return {
			id,
			status: 'warning',
			summary: s.clock.skewed(formatSkew(skewMs)),
			action: s.clock.skewedAction
		};
	return { id, status: 'pass', summary: s.clock.ok(formatSkew(skewMs)) };
}

function sync(facts: DiagnosticFacts, formatTime: (ms: number) => string): CheckResult {
	const { pending, needsSignIn, failed, lastSyncAt } = facts.sync;
	const id = 'sync';
	const last = lastSyncAt === null ? t.status.neverSynced : s.sync.lastSync(formatTime(lastSyncAt));
	if (failed.length > 0)
		return {
			id,
			status: 'failure',
			summary: `${s.sync.failed(failed.length, failed[failed.length - 1]!.message)} ${last}`,
			action: s.sync.failedAction
		};
	if (needsSignIn > 0)
		return {
			id,
			status: 'warning',
			summary: `${s.sync.needsSignIn(needsSignIn)} ${last}`,
			action: s.sync.needsSignInAction
		};
	if (pending > 0)
		return {
			id,
			status: 'warning',
			summary: `${s.sync.pending(pending)} ${last}`,
			action: s.sync.pendingAction
		};
	return { id, status: 'pass', summary: `${s.sync.empty} ${last}` };
}

export function runChecks(
	facts: DiagnosticFacts,
	formatTime: (ms: number) => string = (ms) => new Date(ms).toISOString()
): CheckResult[] {
	return [
		network(facts),
		server(facts),
		serviceWorker(facts),
		storage(facts),
		fileAccess(facts),
		camera(facts),
		clock(facts),
		sync(facts, formatTime)
	];
}

/** The text a user sends to support: the checks and the facts, never a secret or personal data. */
export function diagnosticReport(facts: DiagnosticFacts, results: CheckResult[]): string {
	const iso = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toISOString());
	const lines = [
		'Airlock License Manager — diagnostic report',
		`Collected: ${iso(facts.collectedAt)}`,
		`App version: ${facts.appVersion}`,
		`Browser: ${facts.userAgent}`,
		`Device: ${facts.deviceId ?? 'unknown (its storage cannot be read)'}`,
		...(facts.storageProblem === null ? [] : [`Storage: CANNOT BE USED — ${facts.storageProblem}`]),
		'',
		'Checks:',
		...results.map((r) => `- ${s.checks[r.id]}: ${s.statuses[r.status].toUpperCase()} — ${r.summary}`),
		'',
		`Server: ${
			facts.server.kind === 'ok'
				? `ok, ${facts.server.latencyMs} ms, version ${facts.server.version}`
				: facts.server.kind === 'refused'
					? `HTTP ${facts.server.status} ${facts.server.error.code}`
					: `unreachable (${facts.server.reason})`
		}`,
		`Clock: problem ${facts.clock.problem ?? 'none'}, skew ${
			facts.clock.skewMs === null ? 'unknown' : `${facts.clock.skewMs} ms`
		}, server time received ${iso(facts.clock.serverTimeAt)}`,
		`Sync: ${facts.sync.pending} pending, ${facts.sync.needsSignIn} need sign-in, ${facts.sync.failed.length} failed, last ${iso(facts.sync.lastSyncAt)}`,
		...facts.sync.failed.map((f) => `  failed ${f.type}: ${f.message}`),
		'',
		`Licenses (${facts.licenses.length}):`,
		...facts.licenses.map(
			(l) =>
				`- ${l.licenseNumber} ${l.kind} ${l.status}, expires ${l.expiresAt === null ? 'never' : iso(l.expiresAt)}`
		)
	];
	// A server message can quote an address (a wrong account, say): none goes into the report.
	return lines.join('\n').replace(EMAIL_ADDRESS, '[e-mail address]');
}
