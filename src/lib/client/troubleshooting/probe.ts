// Gathers the troubleshooting facts from the browser and the local database. Every probe is guarded:
// a browser without an API gets "unsupported", never an exception.
import { version as appVersion } from '$app/environment';
import { messageSW } from 'workbox-window';
import { deviceClockSkew } from '$lib/protocol/trusted-clock';
import { createApiClient } from '$lib/sdk/api/api-client';
import { serverApi } from '$lib/sdk/api/server-api';
import type { Core } from '$lib/sdk/core';
import { readLicenses } from '$lib/sdk/licenses/license-rows';
import { readLastContact, readOutbox } from '$lib/sdk/outbox/outbox';
import { checkServer } from '$lib/sdk/server-status';
import { readClock } from '$lib/sdk/time/clock-store';
import type { DiagnosticFacts, ServerFacts } from './checks';

const VERSION_TIMEOUT_MS = 2_000;

/** The server asked without the storage (which keeps its time and contacts): when it cannot be used. */
async function checkServerAlone() {
	const started = performance.now();
	const outcome = await serverApi(createApiClient({})).health();
	return { outcome, latencyMs: Math.round(performance.now() - started) };
}

async function serverFacts(core: Core | null): Promise<ServerFacts> {
	const { outcome, latencyMs } = core ? await checkServer(core) : await checkServerAlone();
	if (outcome.kind === 'ok') return { kind: 'ok', latencyMs, version: outcome.value.version };
	if (outcome.kind === 'refused') return { kind: 'refused', status: outcome.status, error: outcome.error };
	return { kind: 'unreachable', reason: outcome.reason };
}

async function serviceWorkerFacts(): Promise<DiagnosticFacts['serviceWorker']> {
	if (!('serviceWorker' in navigator)) return { supported: false };
	const registration = await navigator.serviceWorker.getRegistration();
	const active = registration?.active ?? null;
	let version: string | null = null;
	if (active) {
		const answer = await Promise.race([
			messageSW(active, { type: 'GET_VERSION' }).catch(() => null),
			new Promise((resolve) => setTimeout(() => resolve(null), VERSION_TIMEOUT_MS))
		]);
		const value = (answer as { version?: unknown } | null)?.version;
		version = typeof value === 'string' ? value : null;
	}
	return {
		supported: true,
		active: active !== null,
		controlling: navigator.serviceWorker.controller !== null,
		waiting: Boolean(registration?.waiting),
		version
	};
}

async function storageFacts(): Promise<DiagnosticFacts['storage']> {
	if (!navigator.storage?.estimate) return { supported: false };
	const [estimate, persisted] = await Promise.all([
		navigator.storage.estimate().catch(() => null),
		navigator.storage.persisted?.().catch(() => false) ?? Promise.resolve(false)
	]);
	return {
		supported: true,
		persisted,
		usageBytes: estimate?.usage ?? null,
		quotaBytes: estimate?.quota ?? null
	};
}

async function cameraFacts(): Promise<DiagnosticFacts['camera']> {
	if (!navigator.mediaDevices?.enumerateDevices) return { supported: false };
	const devices = await navigator.mediaDevices.enumerateDevices().catch(() => []);
	let permission: 'granted' | 'denied' | 'prompt' | 'unknown' = 'unknown';
	try {
		permission = (await navigator.permissions.query({ name: 'camera' as PermissionName })).state;
	} catch {
		// Not every browser can be asked about the camera permission.
	}
	return { supported: true, devices: devices.filter((d) => d.kind === 'videoinput').length, permission };
}

async function localFacts(core: Core) {
	const { storage } = core;
	const clock = await readClock(storage, Date.now());
	const items = await readOutbox(storage);
	const lastSync = await readLastContact(storage);
	const licenses = await readLicenses(storage);
	return {
		clock: {
			problem: clock.verdict.problem,
			skewMs: deviceClockSkew(clock.state),
			serverTimeAt: clock.state.serverTimeReceivedAtMs
		},
		sync: {
			pending: items.filter((i) => i.state === 'queued' || i.state === 'sending').length,
			needsSignIn: items.filter((i) => i.state === 'needs-sign-in').length,
			failed: items
				.filter((i) => i.state === 'failed')
				.map((i) => ({ type: i.type, message: i.lastError?.message ?? 'refused by the server' })),
			lastSyncAt: lastSync
		},
		licenses: licenses.map(({ licenseNumber, kind, status, expiresAt }) => ({
			licenseNumber,
			kind,
			status,
			expiresAt
		}))
	};
}

/** What cannot be known when the storage cannot be read. */
const NO_LOCAL_FACTS: Awaited<ReturnType<typeof localFacts>> = {
	clock: { problem: null, skewMs: null, serverTimeAt: null },
	sync: { pending: 0, needsSignIn: 0, failed: [], lastSyncAt: null },
	licenses: []
};

/**
 * Every fact a check needs. `core` is null, and `storageProblem` says why, when the License Manager's
 * storage cannot be used: the checks then run all the same — that is when they are needed most.
 */
export async function collectFacts(
	core: Core | null,
	storageProblem: string | null
): Promise<DiagnosticFacts> {
	const usable = storageProblem === null ? core : null;
	// The server first: its answer brings the signed time the clock facts then include.
	const server = await serverFacts(usable).catch((error: unknown): ServerFacts => ({
		kind: 'unreachable',
		reason: String(error)
	}));
	const [serviceWorker, storage, camera, local] = await Promise.all([
		serviceWorkerFacts().catch((): DiagnosticFacts['serviceWorker'] => ({ supported: false })),
		storageFacts(),
		cameraFacts(),
		usable ? localFacts(usable) : NO_LOCAL_FACTS
	]);
	return {
		collectedAt: Date.now(),
		appVersion,
		userAgent: navigator.userAgent,
		online: navigator.onLine,
		server,
		serviceWorker,
		storage,
		fileAccess: { nativePicker: 'showOpenFilePicker' in window },
		camera,
		storageProblem,
		deviceId: core?.identity.deviceId ?? null,
		...local
	};
}
