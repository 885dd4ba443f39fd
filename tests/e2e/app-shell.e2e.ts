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
