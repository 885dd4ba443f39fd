// Whether an error means the storage is gone, in a module of its own: a page that only checks
// licenses needs this test and none of the rest of storage.ts.
const CLOSED_ERROR_NAMES = new Set(['StorageClosedError', 'DatabaseClosedError']);

/**
 * Whether an error means the storage is gone for this program (closed or deleted under it): Dexie's
 * DatabaseClosedError, an adapter's StorageClosedError, or the SDK's storage_closed, bare or wrapped.
 */
export function isStorageClosed(error: unknown): boolean {
	for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
		const name = (current as { name?: unknown }).name;
		const code = (current as { code?: unknown }).code;
		if ((typeof name === 'string' && CLOSED_ERROR_NAMES.has(name)) || code === 'storage_closed') return true;
		current =
			(current as { inner?: unknown; cause?: unknown }).inner ?? (current as { cause?: unknown }).cause;
	}
	return false;
}
