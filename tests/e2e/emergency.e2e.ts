// Emergency Activation: with no network, once, 5 days at most; reported at the next sync, and refused
// for a second device.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { createTestAccount, createTestLicense } from './support/admin';
import { apiClient } from './support/api-client';
import { launchWithFakeCamera, writeQrVideo } from './support/fake-camera';
import { activate, waitForOfflineReady } from './support/license-manager-page';

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
	await again.goto('/emergency');
	await expect(again.getByRole('alert').filter({ hasText: 'one time only' }).first()).toBeVisible();
	// The form is closed, and says why: nothing can be typed into it or sent.
	await expect(again.getByLabel('License number')).toBeDisabled();
	await expect(again.getByRole('button', { name: 'Activate for 5 days' })).toBeDisabled();

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

test('the emergency code is shown in the license details, kept offline, printable, and verifies an offline Emergency Activation', async ({
	browser
}) => {
	const account = createTestAccount();
	const license = createTestLicense(account.email);
	const context = await browser.newContext();
	const page = await context.newPage();
	await waitForOfflineReady(page);
	await activate(page, account.email, account.password, license.number);
	await expect(page.getByRole('status').filter({ hasText: 'Activated' })).toContainText(license.number);
	await page.getByRole('link', { name: 'License Manager' }).click();
	// Details open in a sheet of their own, not inside the table's row.
	await page.getByRole('button', { name: `Details of ${license.number}` }).click();
	const row = page.getByRole('dialog').locator(`[data-details="${license.number}"]`);
	await row.getByRole('button', { name: 'Show emergency code' }).click();
	const sheet = row.getByTestId('emergency-code-sheet');
	await expect(sheet).toContainText('BEGIN AIRLOCK EMERGENCY CODE');
	await expect(sheet).toContainText(license.number);
	await expect(
		row.getByRole('img', { name: `QR code of the emergency code of license ${license.number}` })
	).toBeVisible();
	await expect(row.getByRole('button', { name: 'Print' })).toBeVisible();
	const code = (await sheet.textContent())!.match(/AIRLOCK-EC1:[A-Za-z0-9_-]+/)![0];

	// Offline, the code is still there: it was kept on the device.
	await context.setOffline(true);
	await page.reload();
	await page.getByRole('button', { name: `Details of ${license.number}` }).click();
	await expect(row.getByTestId('emergency-code-sheet')).toContainText(code);

	// On another computer that never reached the server since installing, the code makes the
	// emergency activation checkable against the trusted keys.
	const laptop = await installedLaptop(browser);
	// Pasting the code is enough: the license number is read from it.
	await laptop.goto('/emergency');
	await laptop.getByLabel('Emergency code (optional)').fill(code);
	await expect(laptop.getByLabel('License number')).toHaveValue(license.number);
	await expect(laptop.getByText(`Emergency code for license ${license.number}.`)).toBeVisible();
	await laptop.getByRole('button', { name: 'Activate for 5 days' }).click();
	await expect(
		laptop.getByRole('status').filter({ hasText: 'checked with your emergency code' })
	).toBeVisible();
	await context.close();
	await laptop.context().close();
});

test('the store’s License list shows a license’s emergency code; a license that forbids it says why', async ({
	page
}) => {
	const account = createTestAccount();
	const license = createTestLicense(account.email);
	const forbidden = createTestLicense(account.email, { product: 'DEV', noEmergency: true });
	await page.goto('/licenses');
	await page.getByLabel('User ID (e-mail)').fill(account.email);
	await page.getByLabel('Password').fill(account.password);
	await page.getByRole('button', { name: 'Sign in' }).click();

	await page.getByRole('button', { name: `Details of ${license.number}` }).click();
	const details = page.locator(`[data-details="${license.number}"]`);
	await details.getByRole('button', { name: 'Show emergency code' }).click();
	await expect(details.getByTestId('emergency-code-sheet')).toContainText(license.number);
	await expect(details.getByRole('img', { name: /QR code of the emergency code/ })).toBeVisible();

	// The License list knows the license offers no Emergency Activation: it says so, and offers no code.
	await details.getByRole('button', { name: 'Close' }).click();
	await page.getByRole('button', { name: `Details of ${forbidden.number}` }).click();
	const refused = page.locator(`[data-details="${forbidden.number}"]`);
	await expect(refused).toContainText('Emergency Activation is not available for this license');
	await expect(refused.getByRole('button', { name: 'Show emergency code' })).toHaveCount(0);

	// Its copy kept on the device, Emergency Activation refuses it before spending the one use.
	await page.goto('/emergency');
	await page.getByLabel('License number').fill(forbidden.number);
	await page.getByRole('button', { name: 'Activate for 5 days' }).click();
	await expect(page.getByRole('alert')).toContainText('as your License list says');
	await page.getByLabel('License number').fill(license.number);
	await expect(page.getByRole('button', { name: 'Activate for 5 days' })).toBeEnabled();
});

test('a pasted text that is not an emergency code says what is wrong, and the activation waits', async ({
	page
}) => {
	await page.goto('/emergency');
	await page.getByLabel('Emergency code (optional)').fill('AIRLOCK-EC1:not-a-code');
	await expect(page.getByRole('alert')).toContainText('Paste the whole code');
	await expect(page.getByRole('button', { name: 'Activate for 5 days' })).toBeDisabled();
	await page.getByLabel('Emergency code (optional)').fill('');
	await page.getByLabel('License number').fill('SRV-5BQ7-MKXD-3H99');
	await expect(page.getByRole('button', { name: 'Activate for 5 days' })).toBeEnabled();
});

test('the emergency code’s QR code is scanned: the license number is read from it, the camera stops, the activation is checked', async ({
	baseURL
}, testInfo) => {
	expect(baseURL).toBeTruthy();
	const account = createTestAccount();
	const license = createTestLicense(account.email);
	const api = await apiClient(account);
	const { code } = (await (await api.get(`/api/v1/licenses/${license.number}/emergency-code`)).json()) as {
		code: string;
	};
	const video = testInfo.outputPath('camera.y4m');
	writeQrVideo(video, code);
	const browser = await launchWithFakeCamera(testInfo, video);
	try {
		const laptop = await installedLaptop(browser);
		await laptop.goto('/emergency');
		await laptop.getByRole('button', { name: 'Scan the emergency code' }).click();
		await expect(laptop.getByLabel('License number')).toHaveValue(license.number, { timeout: 20_000 });
		await expect(laptop.getByRole('button', { name: 'Stop the camera' })).toHaveCount(0);
		await laptop.getByRole('button', { name: 'Activate for 5 days' }).click();
		await expect(
			laptop.getByRole('status').filter({ hasText: 'checked with your emergency code' })
		).toContainText(license.number);
	} finally {
		await browser.close();
	}
});
