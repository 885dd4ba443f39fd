// An operation the server refuses for good: the queue goes on past it, the item is shown as failed
// with the server's reason, and it is not sent again unless the user asks (Retry).
import { expect, test } from '@playwright/test';
import { createTestAccount, createTestLicense } from './support/admin';
import { apiClient } from './support/api-client';
import { newTestDevice } from './support/device';
import { activate } from './support/license-manager-page';

test('a queued operation refused for good is shown as failed with its reason; the rest goes through; no endless retry', async ({
	page,
	context
}) => {
	const account = createTestAccount();
	const first = createTestLicense(account.email);
	const full = createTestLicense(account.email, { seats: 1 });
	const last = createTestLicense(account.email, { product: 'DEV' });
	// Another device takes the only seat of `full` while this one is offline.
	const api = await apiClient(account);
	expect(
		(
			await api.post('/api/v1/activations', {
				data: { request: await newTestDevice().regFile(account.email, [full.number]) }
			})
		).status()
	).toBe(200);

	// Sync requests that reached the server with the refused activation in them (attempts made while
	// offline fail in the browser and are not counted).
	const sentWithFull: string[] = [];
	context.on('requestfinished', (request) => {
		if (request.url().endsWith('/api/v1/sync') && request.postData()?.includes(full.number))
			sentWithFull.push(request.url());
	});

	await page.goto('/');
	await page.evaluate(() => navigator.serviceWorker.ready);
	await activate(page, account.email, account.password, first.number);
	await expect(page.getByRole('status').filter({ hasText: 'Activated' })).toBeVisible();

	await context.setOffline(true);
	await activate(page, account.email, account.password, full.number);
	await expect(page.getByRole('alert')).toContainText('queued');
	await activate(page, account.email, account.password, last.number);
	await expect(page.getByRole('alert')).toContainText('queued');
	await expect(page.getByText('2 operations waiting for the server')).toBeVisible();

	await context.setOffline(false);
	await page.goto('/');
	// The queue went on past the refused item…
	await expect(page.locator(`tr[data-license="${last.number}"]`)).toBeVisible({ timeout: 30_000 });
	await expect(page.locator(`tr[data-license="${full.number}"]`)).toHaveCount(0);
	// …which is shown, without opening anything, as failed with the server's reason.
	const status = page.getByRole('region', { name: 'Sync status' });
	await expect(status.getByText('1 operation refused by the server')).toBeVisible();
	await expect(status.getByText('Nothing waiting for the server')).toBeVisible();
	const item = status.locator('li[data-state="failed"]');
	await expect(item).toBeVisible();
	await expect(item).toContainText('Failed');
	await expect(item).toContainText(`All 1 seat of license ${full.number} are in use`);
	await expect(item.getByRole('button', { name: 'Retry' })).toBeVisible();

	// More sync rounds: with nothing due, a round asks the server for its keys (and sends nothing).
	// (Before the failure was stored it may have gone twice: the navigation above can cut a send
	// short after the server answered, and the server answers the copy alike.)
	const sentBeforeFailing = sentWithFull.length;
	expect(sentBeforeFailing).toBeGreaterThanOrEqual(1);
	for (let i = 0; i < 3; i++) {
		const round = page.waitForResponse((response) => response.url().endsWith('/api/v1/keys'));
		await page.reload();
		await round;
		await expect(status.getByText('1 operation refused by the server')).toBeVisible();
	}
	expect(sentWithFull).toHaveLength(sentBeforeFailing);

	// Retry is the user's call: it is sent once more, and refused again with the same reason.
	await item.getByRole('button', { name: 'Retry' }).click();
	await expect.poll(() => sentWithFull.length).toBe(sentBeforeFailing + 1);
	await expect(status.locator('li[data-state="failed"]')).toContainText('are in use');
});

test('an edit holding text the server cannot store (NUL) is refused alone and shown as failed; the edits around it go through', async ({
	page,
	context
}) => {
	const account = createTestAccount('nul');
	createTestLicense(account.email);
	const sentWithNul: string[] = [];
	context.on('requestfinished', (request) => {
		if (request.url().endsWith('/api/v1/sync') && request.postData()?.includes('\\u0000'))
			sentWithNul.push(request.url());
	});

	await page.goto('/projects');
	await page.getByLabel('User ID (e-mail)').fill(account.email);
	await page.getByLabel('Password').fill(account.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByText(/^Synced /)).toBeVisible();

	await context.setOffline(true);
	for (const name of ['Before the bad one', 'Bad\u0000name', 'After the bad one']) {
		await page.getByLabel('New project name').fill(name);
		await page.getByRole('button', { name: 'Create' }).click();
	}
	await expect(page.getByText('3 operations waiting for the server')).toBeVisible();
	await context.setOffline(false);

	const status = page.getByRole('region', { name: 'Sync status' });
	await expect(status.getByText('1 operation refused by the server')).toBeVisible({ timeout: 30_000 });
	await expect(status.getByText('Nothing waiting for the server')).toBeVisible();
	const item = status.locator('li[data-state="failed"]');
	await expect(item).toContainText('NUL character (U+0000)');

	// The server holds the two others, and not the refused one.
	const api = await apiClient(account);
	const { projects } = (await (await api.get('/api/v1/store/projects')).json()) as {
		projects: { name: string }[];
	};
	expect(projects.map((project) => project.name).sort()).toEqual(['After the bad one', 'Before the bad one']);

	// Not sent again by itself.
	const sent = sentWithNul.length;
	expect(sent).toBeGreaterThanOrEqual(1);
	for (let i = 0; i < 2; i++) {
		await page.reload();
		await expect(status.getByText('1 operation refused by the server')).toBeVisible();
	}
	expect(sentWithNul).toHaveLength(sent);
});
