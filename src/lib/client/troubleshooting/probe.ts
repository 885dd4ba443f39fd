// Gathers the troubleshooting facts from the browser and the local database. Every probe is guarded:
// a browser without an API gets "unsupported", never an exception.
import { version as appVersion } from '$app/environment';
import { messageSW } from 'workbox-window';
import { deviceClockSkew } from '$lib/protocol/trusted-clock';
import type { Core } from '$lib/sdk/core';
import { readLicenses } from '$lib/sdk/licenses/license-rows';
import { readLastContact, readOutbox } from '$lib/sdk/outbox/outbox';
import { checkServer } from '$lib/sdk/server-status';
import { readClock } from '$lib/sdk/time/clock-store';
import type { DiagnosticFacts, ServerFacts } from './checks';

const VERSION_TIMEOUT_MS = 2_000;

async function serverFacts(core: Core): Promise<ServerFacts> {
	const { outcome, latencyMs } = await checkServer(core);
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

export async function collectFacts(core: Core): Promise<DiagnosticFacts> {
	// The server first: its answer brings the signed time the clock facts then include.
	const server = await serverFacts(core);
	const [serviceWorker, storage, camera, local] = await Promise.all([
		serviceWorkerFacts(),
		storageFacts(),
		cameraFacts(),
		localFacts(core)
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
		deviceId: core.identity.deviceId,
		...local
	};
}
