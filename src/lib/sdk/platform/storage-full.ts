// The platform refuses a write when its storage is full (a browser's site quota, a full disk). The
// workflows turn that into a specific, actionable refusal instead of an unhandled rejection; nothing
// was written (every write is one transaction).
import type { ApiError } from '$lib/protocol/api.js';
import { isStorageFull } from './storage.js';

export { isStorageFull } from './storage.js';

const FREE_UP = 'Free up space (remove other sites’ data or files from this device)';

const MESSAGES = {
	queue: `This device has no room left to store the activation, so nothing was sent or queued. ${FREE_UP}, then activate again.`,
	license: `The license was activated, but this device has no room left to store it, so nothing was stored. ${FREE_UP}, then click Refresh to get it.`,
	refresh: `This device has no room left to store what Refresh brought, so nothing was stored. ${FREE_UP}, then click Refresh again.`
} as const;

export type StorageFullKind = keyof typeof MESSAGES;

export function storageFullError(kind: StorageFullKind): ApiError {
	return { code: 'storage_full', message: MESSAGES[kind] };
}

/** Runs a write; a full storage becomes `storage_full` (nothing was written), anything else is thrown. */
export async function whenStored<T>(
	kind: StorageFullKind,
	write: () => Promise<T>
): Promise<{ ok: true; value: T } | { ok: false; error: ApiError }> {
	try {
		return { ok: true, value: await write() };
	} catch (error) {
		if (isStorageFull(error)) return { ok: false, error: storageFullError(kind) };
		throw error;
	}
}
