import { describe, expect, it } from 'vitest';
import { render } from 'vitest-browser-svelte';
import StorageProblem from './StorageProblem.svelte';

describe('StorageProblem', () => {
	it('says the data was deleted, what went with it and the way on, as one alert with Reload', async () => {
		const screen = await render(StorageProblem, {
			problem: { kind: 'lost', reason: 'deleted', detail: 'The data was deleted while it was open.' }
		});
		const alert = screen.getByRole('alert');
		await expect.element(alert).toHaveTextContent(/deleted while this page was open/);
		await expect.element(alert).toHaveTextContent(/new device id/);
		await expect.element(alert).toHaveTextContent(/Deferred Activation if this computer is offline/);
		await expect.element(screen.getByRole('button', { name: 'Reload' })).toBeVisible();
	});

	it('says in words why the storage cannot be opened, with the browser’s own words last', async () => {
		const screen = await render(StorageProblem, {
			problem: { kind: 'unavailable', detail: 'UnknownError: IndexedDB unavailable' }
		});
		const alert = screen.getByRole('alert');
		await expect.element(alert).toHaveTextContent(/private or incognito window/);
		await expect.element(alert).toHaveTextContent(/The browser said: UnknownError: IndexedDB unavailable/);
		await expect.element(alert).not.toHaveTextContent(/What was lost/);
	});
});
