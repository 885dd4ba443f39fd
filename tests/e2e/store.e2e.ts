// The store's License list and Projects in Chromium: offline edits that reach a second browser once
// online, and a released seat that the device holding it learns at its next Refresh.
import { expect, test, type Page } from '@playwright/test';
import { createTestAccount, createTestLicense, type TestAccount } from './support/admin';
import { waitForOfflineReady } from './support/license-manager-page';

async function signInToStore(page: Page, path: string, account: TestAccount) {
	await page.goto(path);
	await page.getByLabel('User ID (e-mail)').fill(account.email);
	await page.getByLabel('Password').fill(account.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByText(/^Synced /)).toBeVisible();
}

test('a project created and a license linked offline reach a second browser once online', async ({
	browser
}) => {
	const account = createTestAccount('store');
	const license = createTestLicense(account.email, { seats: 2 });
	const other = createTestLicense(account.email, { product: 'DEV' });

	const first = await browser.newContext();
	const page = await first.newPage();
	await waitForOfflineReady(page);
	await signInToStore(page, '/licenses', account);
	await expect(page.locator(`tr[data-license="${license.number}"]`)).toBeVisible();

	await first.setOffline(true);
	await page.goto('/projects');
	await expect(
		page.getByRole('status').filter({ hasText: 'Offline — showing the copy synced' })
	).toBeVisible();
	await page.getByLabel('New project name').fill('Warehouse tills');
	await page.getByRole('button', { name: 'Create' }).click();
	await expect(page.getByRole('heading', { level: 2, name: 'Warehouse tills' })).toBeVisible();

	await page.goto('/licenses');
	const details = page.locator(`tr[data-license="${license.number}"]`).getByRole('button', {
		name: `Details of ${license.number}`
	});
	await details.click();
	// The details open in a sheet that takes the focus, and the Link dialog opens over it.
	const sheet = page.getByRole('dialog', { name: `License ${license.number}` });
	await expect(sheet).toBeVisible();
	await expect(sheet.getByRole('button', { name: 'Close' })).toBeFocused();
	await sheet.getByRole('button', { name: 'Link to a project…' }).click();
	const dialog = page.getByRole('dialog', { name: `Link ${license.number} to a project` });
	await dialog.getByLabel('Project').selectOption({ label: 'Warehouse tills' });
	await dialog.getByRole('button', { name: 'Link' }).click();
	await expect(sheet.getByRole('status').filter({ hasText: 'is in project Warehouse tills' })).toBeVisible();
	await expect(sheet).toContainText('Warehouse tills');
	await expect(page.locator(`tr[data-license="${license.number}"]`)).toContainText('Warehouse tills');
	await expect(page.getByText('2 operations waiting for the server')).toBeVisible();
	// Escape closes the sheet, and the focus is back on the button that opened it.
	await page.keyboard.press('Escape');
	await expect(sheet).toBeHidden();
	await expect(details).toBeFocused();

	// The filter by project shows it offline too.
	await page.getByRole('search').getByLabel('Project').selectOption({ label: 'Warehouse tills' });
	await expect(page.locator('tr[data-license]')).toHaveCount(1);

	await first.setOffline(false);
	await expect(page.getByText('Nothing waiting for the server')).toBeVisible({ timeout: 30_000 });

	const second = await browser.newContext();
	const secondPage = await second.newPage();
	await signInToStore(secondPage, '/projects', account);
	const project = secondPage.locator('section[data-project="Warehouse tills"]');
	await expect(project).toContainText(license.number);
	await expect(project).not.toContainText(other.number);
	await first.close();
	await second.close();
});

test('the owner releases a seat, and the device holding it is told at its next Refresh', async ({
	browser
}) => {
	const account = createTestAccount('seat');
	const license = createTestLicense(account.email, { seats: 1 });

	const device = await browser.newContext();
	const devicePage = await device.newPage();
	await devicePage.goto('/instant');
	await devicePage.getByLabel('User ID (e-mail)').fill(account.email);
	await devicePage.getByLabel('Password').fill(account.password);
	await devicePage.getByLabel('License number').fill(license.number);
	await devicePage.getByRole('button', { name: 'Activate' }).click();
	// An activation signs in (argon2) and signs: on a busy machine that takes longer than 5 s.
	await expect(devicePage.getByRole('status').filter({ hasText: 'Activated' })).toBeVisible({
		timeout: 30_000
	});
	await devicePage.goto('/');
	const deviceId = (await devicePage.getByText(/^This device: /).textContent())!
		.replace('This device: ', '')
		.trim();
	// This device holds the license: its License list shows the signed file, behind a disclosure.
	await devicePage.goto('/licenses');
	await devicePage.getByRole('button', { name: `Details of ${license.number}` }).click();
	const deviceSheet = devicePage.getByRole('dialog', { name: `License ${license.number}` });
	await deviceSheet.getByText('Show the license file').click();
	await expect(deviceSheet.locator('details pre')).toContainText(license.number);
	await deviceSheet.getByRole('button', { name: 'Close' }).click();
	await devicePage.goto('/');

	const owner = await browser.newContext();
	const ownerPage = await owner.newPage();
	await signInToStore(ownerPage, '/licenses', account);
	const row = ownerPage.locator(`tr[data-license="${license.number}"]`);
	await expect(row).toContainText('1 / 1');
	await ownerPage.getByRole('button', { name: `Details of ${license.number}` }).click();
	await expect(ownerPage.locator(`tr[data-device="${deviceId}"]`)).toBeVisible();
	await expect(ownerPage.getByText('Show the license file')).toHaveCount(0);
	ownerPage.once('dialog', (dialog) => void dialog.accept());
	await ownerPage.getByRole('button', { name: `Release the seat of ${deviceId}` }).click();
	await expect(
		ownerPage.getByRole('status').filter({ hasText: `The seat of ${deviceId} is free.` })
	).toBeVisible();
	await expect(row).toContainText('0 / 1');
	await expect(ownerPage.getByText('No device holds this license.')).toBeVisible();
	// The license's history, newest first, from the server's audit log.
	const history = ownerPage.getByRole('region', { name: 'History' }).getByRole('listitem');
	await expect(history.first()).toContainText(`Seat of device ${deviceId} released`);
	await expect(history.nth(1)).toContainText(`Activated on device ${deviceId} (Instant Activation)`);
	await expect(history.nth(1)).toContainText(/from \S+/);
	await expect(history.last()).toContainText('License issued');

	await devicePage.getByRole('button', { name: 'Refresh' }).click();
	await expect(devicePage.locator(`tr[data-license="${license.number}"]`)).toContainText(
		'Deactivated: its seat was released'
	);
	await device.close();
	await owner.close();
});

test('a rename that loses to another device’s is shown to the user who made it', async ({ browser }) => {
	const account = createTestAccount('conflict');
	createTestLicense(account.email);
	const a = await browser.newContext();
	const b = await browser.newContext();
	const pageA = await a.newPage();
	const pageB = await b.newPage();
	await waitForOfflineReady(pageA);
	await signInToStore(pageA, '/projects', account);
	await pageA.getByLabel('New project name').fill('Shop');
	const created = pageA.waitForResponse(
		(response) => response.url().endsWith('/api/v1/sync') && response.request().method() === 'POST'
	);
	await pageA.getByRole('button', { name: 'Create' }).click();
	expect((await created).status()).toBe(200);
	await signInToStore(pageB, '/projects', account);
	await expect(pageB.getByRole('heading', { level: 2, name: 'Shop' })).toBeVisible();

	// A renames offline first; B renames online later, and wins (its stamp is later).
	await a.setOffline(true);
	await pageA.getByLabel('New name of Shop').fill('Shop (A)');
	await pageA.getByRole('button', { name: 'Rename' }).click();
	await expect(pageA.getByRole('heading', { level: 2, name: 'Shop (A)' })).toBeVisible();
	await pageB.getByLabel('New name of Shop').fill('Shop (B)');
	// B's rename has reached the server once its sync is answered.
	const synced = pageB.waitForResponse(
		(response) => response.url().endsWith('/api/v1/sync') && response.request().method() === 'POST'
	);
	await pageB.getByRole('button', { name: 'Rename' }).click();
	expect((await synced).status()).toBe(200);

	await a.setOffline(false);
	await expect(pageA.getByRole('heading', { level: 2, name: 'Shop (B)' })).toBeVisible({ timeout: 30_000 });
	await expect(pageA.getByRole('alert')).toContainText(
		'Your change “name a project Shop (A)” was overridden by a change made on another device'
	);
	await a.close();
	await b.close();
});
