import { describe, expect, it } from 'vitest';
import { isStorageFull, whenStored } from './storage-full.js';

/** What browsers throw (a DOMException named QuotaExceededError), and Dexie's wrapping of it. */
const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
const wrapped = Object.assign(new Error('Dexie: QuotaExceededError'), { name: 'AbortError', inner: quota });

describe('storage full', () => {
	it('recognises the browser’s quota error, bare or wrapped, and nothing else', () => {
		expect(isStorageFull(quota)).toBe(true);
		expect(isStorageFull(wrapped)).toBe(true);
		expect(isStorageFull(new Error('boom'))).toBe(false);
		expect(isStorageFull(null)).toBe(false);
	});

	it('turns a full storage into a specific refusal, and lets other faults through', async () => {
		expect(await whenStored('queue', () => Promise.reject(wrapped))).toMatchObject({
			ok: false,
			error: { code: 'storage_full' }
		});
		expect(await whenStored('license', async () => 42)).toEqual({ ok: true, value: 42 });
		await expect(whenStored('queue', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
	});
});
