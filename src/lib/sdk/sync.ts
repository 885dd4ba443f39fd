// Sending the queue: the outbox's flush with the result modules that turn what the server applied
// into local writes. One call for a page, a service worker and a vendor's program alike.
import type { TrustedKeys } from '$lib/protocol/vendor-keys.js';
import type { Core } from './core.js';
import { flushOutbox, type FlushOutcome } from './outbox/outbox.js';
import { updateTrustedKeys } from './trusted-keys.js';

export type { FlushOutcome } from './outbox/outbox.js';

/** Where the platform has Web Locks (pages and service workers), one flush per storage at a time. */
interface LockManagerLike {
	request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/**
 * Sends every due item now (`force`: also those waiting for their next attempt). A page and its
 * service worker (or two tabs) never flush the same queue at once: each holds the storage's lock
 * while it sends, so an item goes out once, and the one that waited finds it answered.
 */
export function flush(core: Core, force = false): Promise<FlushOutcome> {
	// The trusted keys are brought up to date once per flush, not once per batch.
	let keys: Promise<TrustedKeys> | undefined;
	const trustedKeys = () => (keys ??= updateTrustedKeys(core.storage, core.api));
	// The result modules (and the zod schemas they parse results with) load with the first answer
	// that applied something, as the answers' own schemas do (api/response-schemas.ts): a start with
	// an empty queue needs neither.
	const prepare: Parameters<typeof flushOutbox>[2] = async (applied) =>
		(await import('./outbox/results/index.js')).prepareResults(core, applied, trustedKeys);
	const run = () => flushOutbox(core.storage, core.api, prepare, { force, now: () => core.clock.now() });
	const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
	return locks ? locks.request(`airlock-flush:${core.storage.description}`, run) : run();
}
