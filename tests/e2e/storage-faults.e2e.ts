// Storage faults (issue 22): the License Manager's database deleted while the page is open, IndexedDB
// that cannot be opened at all, and Refresh on a device holding only an emergency license made from a
// bare license number. Each ends in words the user can act on, never an uncaught error.
import { expect, test, type Page } from '@playwright/test';
import { createTestAccount, createTestLicense } from './support/admin';
import { activate } from './support/license-manager-page';

const DATABASE = 'airlock-license-manager';

function collectPageErrors(page: Page): string[] {
	const errors: string[] = [];
	page.on('pageerror', (error) => errors.push(`${error.name}: ${error.message}`));
	return errors;
}

/** A stored license row, read with the plain IndexedDB API (as a browser extension or a user could). */
function readLicenseRow(page: Page, licenseNumber: string) {
	return page.evaluate(
		({ name, key }) =>
			new Promise<Record<string, unknown>>((resolve, reject) => {
				const open = indexedDB.open(name);
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const get = open.result.transaction('licenses', 'readonly').objectStore('licenses').get(key);
					get.onsuccess = () => {
						open.result.close();
						resolve(get.result as Record<string, unknown>);
					};
					get.onerror = () => reject(get.error);
				};
			}),
		{ name: DATABASE, key: licenseNumber }
	);
}

function writeLicenseRow(page: Page, row: Record<string, unknown>) {
	return page.evaluate(
		({ name, value }) =>
			new Promise<void>((resolve, reject) => {
				const open = indexedDB.open(name);
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const tx = open.result.transaction('licenses', 'readwrite');
					tx.objectStore('licenses').put(value);
					tx.oncomplete = () => {
						open.result.close();
						resolve();
					};
					tx.onerror = () => reject(tx.error);
				};
			}),
		{ name: DATABASE, value: row }
	);
}

test('the database deleted while the page is open: a clear alert, no false success, no foreign license usable', async ({
	page
}) => {
	const account = createTestAccount();
	const first = createTestLicense(account.email);
	const second = createTestLicense(account.email, { product: 'DEV' });
	const pageErrors = collectPageErrors(page);
	await page.goto('/');
	await expect(page.getByRole('status').filter({ hasText: 'Online' })).toBeVisible();
	await activate(page, account.email, account.password, first.number);
	// An activation may take more than 5 s on a busy machine (a new key, signing, two requests).
	await expect(page.getByRole('status').filter({ hasText: 'Activated' })).toBeVisible({ timeout: 30_000 });
	const oldRow = await readLicenseRow(page, first.number);
	const oldDevice = oldRow.deviceId as string;

	// Site data cleared while the page is open (here by another script of the same origin).
	await page.evaluate(
		(name) =>
			new Promise<void>((resolve, reject) => {
				const deletion = indexedDB.deleteDatabase(name);
				deletion.onsuccess = () => resolve();
				deletion.onerror = () => reject(deletion.error);
			}),
		DATABASE
	);
	const stopped = page.locator('[data-storage-problem]');
	await expect(stopped).toBeVisible();
	await expect(stopped).toHaveAttribute('role', 'alert');
	await expect(stopped).toContainText('deleted while this page was open');
	await expect(stopped).toContainText('Instant Activation');
	await expect(stopped).toContainText('License list');
	await expect(stopped.getByRole('button', { name: 'Reload' })).toBeVisible();
	await expect(page.getByRole('status').filter({ hasText: 'Online' })).toContainText('Storage unavailable');
	// The deleted license is no longer shown as if it were still here (the same page, no reload).
	await page.getByRole('link', { name: 'License Manager' }).first().click();
	await expect(page.getByRole('heading', { level: 1, name: 'License Manager' })).toBeVisible();
	await expect(page.locator('[data-storage-problem]')).toBeVisible();
	await expect(page.locator(`tr[data-license="${first.number}"]`)).toHaveCount(0);

	// The same tab, no reload: Instant Activation must not claim a success it cannot keep.
	await page.getByRole('link', { name: 'Instant Activation' }).first().click();
	await page.getByLabel('User ID (e-mail)').fill(account.email);
	await page.getByLabel('Password').fill(account.password);
	await page.getByLabel('License number').fill(second.number);
	await page.getByRole('button', { name: 'Activate' }).click();
	await expect(page.getByRole('alert').filter({ hasText: 'could not be done' })).toBeVisible();
	await expect(page.getByRole('status').filter({ hasText: 'Activated' })).toHaveCount(0);
	// The form comes back (the password is cleared after each try, as always).
	await page.getByLabel('Password').fill(account.password);
	await expect(page.getByRole('button', { name: 'Activate' })).toBeEnabled();

	// Reloaded: a new device (a new key). A license row of the old device — as the old version left
	// behind — is listed but never usable here, and says what to do.
	await page.getByRole('button', { name: 'Reload' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Instant Activation' })).toBeVisible();
	await expect(page.locator('[data-storage-problem]')).toHaveCount(0);
	await page.goto('/');
	const device = page.getByText(/^This device: /);
	await expect(device).toBeVisible();
	expect(await device.textContent()).not.toContain(oldDevice);
	await writeLicenseRow(page, oldRow);
	await page.reload();
	const row = page.locator(`tr[data-license="${first.number}"]`);
	await expect(row).toContainText(`made for another device (id ${oldDevice})`);
	await expect(row).toContainText('Activate it on this device');
	await expect(row).not.toHaveClass(/current/);
	await expect(row.getByText('current')).toHaveCount(0);
	expect(pageErrors).toEqual([]);
});

test('IndexedDB that cannot be opened: every page says so in words, Troubleshooting still checks and reports it', async ({
	browser
}) => {
	const context = await browser.newContext();
	// Every open fails as Chromium's does with a damaged profile or storage blocked.
	await context.addInitScript(() => {
		IDBFactory.prototype.open = function () {
			const request = new EventTarget() as EventTarget & {
				onerror: ((event: Event) => void) | null;
				onsuccess: unknown;
				onupgradeneeded: unknown;
				onblocked: unknown;
			};
			const error = new DOMException(
				'Internal error opening backing store for indexedDB.open: IndexedDB unavailable',
				'UnknownError'
			);
			Object.defineProperty(request, 'error', { get: () => error });
			Object.defineProperty(request, 'readyState', { get: () => 'done' });
			request.onerror = null;
			request.addEventListener('error', (event) => request.onerror?.(event));
			setTimeout(() => request.dispatchEvent(new Event('error', { cancelable: true })));
			return request as unknown as IDBOpenDBRequest;
		};
	});
	const page = await context.newPage();
	const pageErrors = collectPageErrors(page);
	try {
		await page.goto('/');
		const problem = page.locator('[data-storage-problem="unavailable"]');
		await expect(problem).toBeVisible();
		await expect(problem).toHaveAttribute('role', 'alert');
		await expect(problem).toContainText('private or incognito');
		await expect(problem).toContainText('disk is full');
		await expect(problem).toContainText('reload this page');
		const statusLine = page.getByRole('status').filter({ hasText: /Online|Offline/ });
		await expect(statusLine).toContainText('Storage unavailable');
		await expect(statusLine).not.toContainText('Nothing waiting');

		await page.getByRole('link', { name: 'Troubleshooting' }).first().click();
		await expect(page.locator('[data-storage-problem="unavailable"]')).toBeVisible();
		const storageCheck = page.locator('[data-check="storage"]');
		await expect(storageCheck).toHaveAttribute('data-status', 'failure', { timeout: 30_000 });
		await expect(storageCheck).toContainText('IndexedDB unavailable');
		await expect(page.locator('[data-check="server"]')).toHaveAttribute('data-status', 'pass');
		const report = page.getByRole('textbox', { name: 'Diagnostic report' });
		await expect(report).toHaveValue(/Storage: CANNOT BE USED — .*IndexedDB unavailable/);
		await expect(report).toHaveValue(/Storage: FAILURE/);
		expect(pageErrors).toEqual([]);
	} finally {
		await context.close();
	}
});

test('Refresh with only a bare-number emergency license: a clear message, the button comes back', async ({
	browser
}) => {
	const account = createTestAccount();
	const license = createTestLicense(account.email);
	const context = await browser.newContext();
	const page = await context.newPage();
	const pageErrors = collectPageErrors(page);
	try {
		await page.goto('/');
		await page.evaluate(() => navigator.serviceWorker.ready);
		await context.setOffline(true);
		await page.goto('/emergency');
		await page.getByLabel('License number').fill(license.number);
		await page.getByRole('button', { name: 'Activate for 5 days' }).click();
		await expect(page.getByRole('status').filter({ hasText: 'Emergency license' })).toBeVisible();
		await context.setOffline(false);
		await page.goto('/');
		await expect(page.locator(`tr[data-license="${license.number}"]`)).toBeVisible();
		const refresh = page.getByRole('button', { name: 'Refresh' });
		await refresh.click();
		await expect(page.getByRole('alert').filter({ hasText: 'nothing to refresh' })).toContainText(
			'Instant Activation'
		);
		await expect(refresh).toBeEnabled();
		expect(pageErrors).toEqual([]);
	} finally {
		await context.close();
	}
});
