import { describe, expect, it } from 'vitest';
import { AirlockError } from '$lib/sdk/errors';
import {
	describeStorageProblem,
	problemAtStart,
	problemOfClosed,
	storageProblemSummary
} from './storage-problem';

describe('storage problems in words', () => {
	it('says IndexedDB could not be opened in words a user understands, with what to do', () => {
		const problem = problemAtStart(
			new AirlockError(
				'storage_unavailable',
				'The license storage (IndexedDB (airlock-license-manager)) cannot be opened: UnknownError IndexedDB unavailable'
			)
		);
		expect(problem.kind).toBe('unavailable');
		const text = describeStorageProblem(problem);
		expect(text.what).toContain('private or incognito window');
		expect(text.what).toContain('disk is full');
		expect(text.what).toContain('browser profile is damaged');
		expect(text.steps.join(' ')).toContain('reload');
		expect(text.detail).toContain('IndexedDB unavailable');
		expect(text.lost).toEqual([]);
	});

	it('says what was lost with deleted data and how to get the licenses back', () => {
		const text = describeStorageProblem(
			problemOfClosed({ reason: 'deleted', message: 'The data was deleted while it was open.' })
		);
		expect(text.title).toContain('deleted');
		expect(text.lost.join(' ')).toContain('new device id');
		expect(text.steps.join(' ')).toContain('Instant Activation');
		expect(text.steps.join(' ')).toContain('Deferred Activation');
		expect(text.steps.join(' ')).toContain('License list');
		expect(text.steps[0]).toBe('Reload the page.');
	});

	it('keeps the licenses when a newer version elsewhere only needed the data closed', () => {
		const text = describeStorageProblem(problemOfClosed({ reason: 'upgraded-elsewhere', message: 'newer' }));
		expect(text.lost).toEqual([]);
		expect(text.what).toContain('your licenses are kept');
	});

	it('gives a damaged storage its own remedy', () => {
		const problem = problemAtStart(
			new AirlockError('identity_damaged', 'The device identity stored here is damaged.', 'Restore it.')
		);
		expect(problem).toMatchObject({ kind: 'damaged', remedy: 'Restore it.' });
		expect(describeStorageProblem(problem).steps).toEqual(['Restore it.']);
	});

	it('sums a problem up in one line for Troubleshooting: what happened and the browser’s words', () => {
		const summary = storageProblemSummary({
			kind: 'unavailable',
			detail: 'UnknownError: IndexedDB unavailable'
		});
		expect(summary).toContain('does not let the License Manager keep its data');
		expect(summary).toContain('IndexedDB unavailable');
	});
});
