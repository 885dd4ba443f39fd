/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
// The License Manager's service worker: it precaches the whole app shell so every page opens with
// no network at all, and sends the outbox through Background Sync when the page is closed.
// A new version waits until the page asks it to take over (the "Reload" prompt): never mid-task.
import { build, files, prerendered, version } from '$service-worker';
import { openCore } from '$lib/sdk/core';
import { SYNC_TAG } from '$lib/sdk/browser/background-sync';
import { dexieStorage, LicenseManagerDatabase } from '$lib/sdk/browser/dexie-storage';
import { flush } from '$lib/sdk/sync';
// import() is not allowed in a service worker: this worker opens only the core (openCore, which
// loads nothing lazily, unlike openLicenses), and what the core's modules load lazily is bundled
// here instead (the answers' schemas and the outbox's result modules, then resolved within the bundle) or given up front
// (tweetnacl, for browsers without Ed25519).
import '$lib/sdk/api/response-schemas';
import '$lib/sdk/outbox/results/index';
import { provideFallbackBackend } from '$lib/protocol/ed25519';
import { tweetnaclBackend } from '$lib/protocol/ed25519-tweetnacl';

provideFallbackBackend(tweetnaclBackend);

const worker = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `airlock-shell-${version}`;
const SHELL = [...build, ...files, ...prerendered];
const SHELL_PATHS = new Set(SHELL);

worker.addEventListener('install', (event) => {
	event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)));
});

worker.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
			await worker.clients.claim();
		})()
	);
});

worker.addEventListener('message', (event) => {
	const type = (event.data as { type?: string } | null)?.type;
	if (type === 'SKIP_WAITING') void worker.skipWaiting();
	// Asked by the troubleshooting page: which version of the app this worker serves.
	else if (type === 'GET_VERSION') event.ports[0]?.postMessage({ version });
});

async function fromShell(request: Request): Promise<Response> {
	const url = new URL(request.url);
	const cache = await caches.open(CACHE);
	const cached = await cache.match(url.pathname);
	if (cached) return cached;
	if (request.mode === 'navigate') {
		// A page of the app not prerendered under this exact path: the app shell routes it.
		const shell = await cache.match('/');
		if (shell) return shell;
	}
	return fetch(request);
}

worker.addEventListener('fetch', (event) => {
	const url = new URL(event.request.url);
	if (event.request.method !== 'GET' || url.origin !== worker.location.origin) return;
	if (url.pathname.startsWith('/api/')) return; // always the network: the app handles failures
	if (SHELL_PATHS.has(url.pathname) || event.request.mode === 'navigate') {
		event.respondWith(fromShell(event.request));
	}
});

interface SyncEvent extends ExtendableEvent {
	tag: string;
}

worker.addEventListener('sync', ((event: SyncEvent) => {
	if (event.tag !== SYNC_TAG) return;
	event.waitUntil(
		(async () => {
			// Exportable as the pages make it: if this worker is the first to open the database, the
			// key it makes must still be one a backup can carry.
			const core = await openCore({
				storage: dexieStorage(new LicenseManagerDatabase()),
				exportableIdentity: true
			});
			const outcome = await flush(core, true);
			// Open pages read again what this worker stored: IndexedDB does not tell other contexts.
			if (outcome.sent > 0)
				for (const client of await worker.clients.matchAll({ type: 'window' }))
					client.postMessage({ type: 'STORAGE_CHANGED' });
			// Still unreachable: reject so the browser schedules another attempt.
			if (outcome.unreachable) throw new Error('the activation server is still unreachable');
		})()
	);
}) as EventListener);
