import { expect, test } from '@playwright/test';

test('the License Manager app shell loads with its Active Licenses list', async ({ page }) => {
	const errors: string[] = [];
	page.on('pageerror', (error) => errors.push(error.message));
	await page.goto('/');
	await expect(page.getByRole('heading', { level: 1, name: 'License Manager' })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Active Licenses' })).toBeVisible();
	await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
	expect(errors).toEqual([]);
});

test('the service worker’s own code has no import(): browsers refuse it there', async ({ request }) => {
	// Its flush and sync code is in this file; the schemas pages load lazily are bundled into it.
	// (Its chunks keep the fallbacks' import()s, which a worker never runs: src/service-worker.ts.)
	const worker = await request.get('/service-worker.js');
	expect(worker.ok()).toBe(true);
	expect(await worker.text()).not.toMatch(/\bimport\s*\(/);
});
