// Emergency Activation: with no network, once, 5 days at most; reported at the next sync, and refused
// for a second device.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { createTestAccount, createTestLicense } from './support/admin';

async function installedLaptop(browser: Browser): Promise<Page> {
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto('/');
	await page.evaluate(() => navigator.serviceWorker.ready);
	await context.setOffline(true);
	return page;
}

async function emergency(page: Page, licenseNumber: string) {
	await page.goto('/emergency');
	await page.getByLabel('License number').fill(licenseNumber);
	await page.getByRole('button', { name: 'Activate for 5 days' }).click();
}

test('works offline once, survives a restart of the page, is reported, and a second device is revoked', async ({
	browser
}) => {
	const account = createTestAccount();
	const license = createTestLicense(account.email);
	const first = await installedLaptop(browser);
	await emergency(first, license.number);
	await expect(first.getByRole('status').filter({ hasText: 'Emergency license' })).toContainText(
		license.number
	);
	await first.goto('/');
	const row = first.locator(`tr[data-license="${license.number}"]`);
	await expect(row).toContainText('emergency');
	await expect(row).toContainText('5 days left');

	// One time only, also after the page is closed and opened again.
	const again = await first.context().newPage();
	await first.close();
	await emergency(again, createTestLicense(account.email, { product: 'DEV' }).number);
	await expect(again.getByRole('alert').filter({ hasText: 'one time only' }).first()).toBeVisible();

	// Back online, the use is reported.
	await again.context().setOffline(false);
	await again.goto('/');
	await expect(again.getByText('Nothing waiting for the server')).toBeVisible({ timeout: 30_000 });

	// Another device using the same license's emergency activation is revoked at its sync.
	const second = await installedLaptop(browser);
	await emergency(second, license.number);
	await expect(second.getByRole('status').filter({ hasText: 'Emergency license' })).toBeVisible();
	await second.context().setOffline(false);
	await second.goto('/');
	const revoked = second.locator(`tr[data-license="${license.number}"]`);
	await expect(revoked).toContainText('No longer valid for this device', { timeout: 30_000 });
	await expect(revoked).toContainText('already used');
});
