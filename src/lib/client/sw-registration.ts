// Registering the service worker and following its versions with the browser's own API, for the two
// things the License Manager tells its user: a new version waits ("Reload"), and the first version
// is active (the app now works offline). workbox-window did the same for 2 KB gzip of every first view.

export interface ServiceWorkerEvents {
	/** A new version is installed and waits until the page lets it take over. */
	onWaiting(): void;
	/** The first version of the worker is active: nothing was controlling the page at registration. */
	onFirstActivated(): void;
}

export interface ServiceWorkerControl {
	/** Lets the waiting version take over, then reloads the page into it. */
	takeOver(reload: () => void): void;
}

/** Registers `url` (a module worker) once the page has loaded, as workbox-window's `register()` did. */
export async function registerServiceWorker(
	container: ServiceWorkerContainer,
	url: string,
	events: ServiceWorkerEvents
): Promise<ServiceWorkerControl> {
	const isUpdate = container.controller !== null;
	const registration = await container.register(url, { type: 'module' });
	// Installed by an earlier visit and still waiting (the page was reloaded, not the app updated).
	if (registration.waiting && registration.active) events.onWaiting();
	const follow = (worker: ServiceWorker) =>
		worker.addEventListener('statechange', () => {
			// On a first install the worker passes through `installed` with nothing active: not waiting.
			if (worker.state === 'installed' && registration.active && registration.waiting === worker)
				events.onWaiting();
			else if (worker.state === 'activated' && !isUpdate) events.onFirstActivated();
		});
	if (registration.installing) follow(registration.installing);
	registration.addEventListener('updatefound', () => {
		if (registration.installing) follow(registration.installing);
	});
	return {
		takeOver(reload) {
			if (!registration.waiting) return;
			container.addEventListener('controllerchange', reload, { once: true });
			registration.waiting.postMessage({ type: 'SKIP_WAITING' });
		}
	};
}
