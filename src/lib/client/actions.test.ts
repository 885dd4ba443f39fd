import { afterEach, describe, expect, it, vi } from 'vitest';
import { StorageClosedError } from '$lib/sdk/platform/storage';
import { attempt, onActionFault } from './actions';
import { t } from '$lib/i18n/shell';

const options = { what: 'Refresh', unexpected: 'Refresh could not finish.' };

describe('attempt', () => {
	afterEach(() => vi.restoreAllMocks());

	it('gives the work’s value back', async () => {
		expect(await attempt(async () => 42, options)).toEqual({ ok: true, value: 42 });
	});

	it('turns an unexpected failure into the action’s sentence, never an exception, and reports it', async () => {
		vi.spyOn(console, 'error').mockImplementation(() => undefined);
		const faults: unknown[] = [];
		const stop = onActionFault((error) => faults.push(error));
		const bug = new RangeError('The e-mail address is not valid.');
		const result = await attempt(() => Promise.reject(bug), options);
		stop();
		expect(result).toEqual({
			ok: false,
			notice: { text: 'Refresh could not finish.', alert: true },
			error: bug,
			cancelled: false
		});
		expect(faults).toEqual([bug]);
	});

	it('says the storage is gone when that is why', async () => {
		vi.spyOn(console, 'error').mockImplementation(() => undefined);
		const result = await attempt(
			() => Promise.reject(new StorageClosedError({ reason: 'deleted', message: 'deleted' })),
			options
		);
		expect(result).toMatchObject({ ok: false, notice: { text: t.storage.actionStopped, alert: true } });
	});

	it('catches a synchronous throw too', async () => {
		vi.spyOn(console, 'error').mockImplementation(() => undefined);
		const result = await attempt(() => {
			throw new Error('sync');
		}, options);
		expect(result.ok).toBe(false);
	});

	it('tells a dialog the user closed apart from a failure', async () => {
		const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
		const result = await attempt(() => Promise.reject(new DOMException('closed', 'AbortError')), options);
		expect(result).toMatchObject({ ok: false, cancelled: true });
		expect(error).not.toHaveBeenCalled();
	});
});
