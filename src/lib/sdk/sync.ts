// Sending the queue: the outbox's flush with the result modules that turn what the server applied
// into local writes. One call for a page, a service worker and a vendor's program alike.
import type { TrustedKeys } from '$lib/protocol/vendor-keys.js';
import type { Core } from './core.js';
import { flushOutbox, type FlushOutcome } from './outbox/outbox.js';
import { prepareResults } from './outbox/results/index.js';
import { updateTrustedKeys } from './trusted-keys.js';

export type { FlushOutcome } from './outbox/outbox.js';

/** Sends every due item now (`force`: also those waiting for their next attempt). */
export function flush(core: Core, force = false): Promise<FlushOutcome> {
	// The trusted keys are brought up to date once per flush, not once per batch.
	let keys: Promise<TrustedKeys> | undefined;
	const trustedKeys = () => (keys ??= updateTrustedKeys(core.storage, core.api));
	return flushOutbox(core.storage, core.api, (applied) => prepareResults(core, applied, trustedKeys), {
		force,
		now: () => core.clock.now()
	});
}
