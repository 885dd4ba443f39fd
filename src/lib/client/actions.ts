// The one place a button's work is run: whatever it throws — a bug, a storage deleted under the
// page, a browser refusing — becomes a sentence for the user, and the caller always gets control back
// (so its button comes back). Expected refusals stay values of the workflows; this is for the rest.
import type { Notice } from '$lib/components/ui/notice';
import { isStorageClosed } from '$lib/sdk/platform/storage';
import { t } from '$lib/i18n/shell';

export type Attempt<T> =
	| { ok: true; value: T }
	/** `cancelled`: the user closed a dialog the work opened (a file picker) — nothing to tell. */
	| { ok: false; notice: Notice; error: unknown; cancelled: boolean };

const faultListeners = new Set<(error: unknown) => void>();

/** Told of every failure an action caught (the app state stops the app on a storage gone). */
export function onActionFault(listener: (error: unknown) => void): () => void {
	faultListeners.add(listener);
	return () => faultListeners.delete(listener);
}

/** The sentence for an action's unexpected failure: the storage's own when it is gone. */
export function unexpectedNotice(error: unknown, unexpected: string): Notice {
	return { text: isStorageClosed(error) ? t.storage.actionStopped : unexpected, alert: true };
}

/**
 * Runs `work`; never throws. `what` names the action in the console (for support), `unexpected` is
 * the sentence shown when it failed for a reason that is not the storage's.
 */
export async function attempt<T>(
	work: () => Promise<T>,
	{ what, unexpected }: { what: string; unexpected: string }
): Promise<Attempt<T>> {
	try {
		return { ok: true, value: await work() };
	} catch (error) {
		const cancelled = error instanceof DOMException && error.name === 'AbortError';
		if (!cancelled) {
			console.error(`${what} failed:`, error);
			for (const listener of faultListeners) listener(error);
		}
		return { ok: false, notice: unexpectedNotice(error, unexpected), error, cancelled };
	}
}
