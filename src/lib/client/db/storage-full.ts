// The browser refuses a write when the site's storage quota is used up. Dexie passes the
// browser's QuotaExceededError on (sometimes wrapped as `inner`); workflows turn it into a
// specific, actionable refusal instead of an unhandled rejection.
import type { ApiError } from '$lib/protocol/api';
import { t } from '$lib/i18n/shell';

export function isStorageFull(error: unknown): boolean {
	for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
		const name = (current as { name?: unknown }).name;
		if (name === 'QuotaExceededError') return true;
		current = (current as { inner?: unknown }).inner;
	}
	return false;
}

export type StorageFullKind = 'queue' | 'license' | 'refresh';

export function storageFullError(kind: StorageFullKind): ApiError {
	return { code: 'storage_full', message: t.storageFull[kind] };
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
