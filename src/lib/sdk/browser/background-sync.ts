// Asks the browser to send the queue from the service worker when the connection returns (Background
// Sync), so queued work finishes even with the page closed. Where the browser has no Background Sync,
// the open page sends it when it sees the connection return.
export const SYNC_TAG = 'airlock-outbox';

export async function requestBackgroundSync(): Promise<void> {
	if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
	try {
		// `ready` never settles where no worker is registered (service workers blocked or refused by
		// the browser): the action that queued must not wait on it for ever.
		if (!(await navigator.serviceWorker.getRegistration())) return;
		const registration = (await navigator.serviceWorker.ready) as ServiceWorkerRegistration & {
			sync?: { register(tag: string): Promise<void> };
		};
		await registration.sync?.register(SYNC_TAG);
	} catch {
		// No Background Sync here (or not allowed): the open page flushes when the connection returns.
	}
}
