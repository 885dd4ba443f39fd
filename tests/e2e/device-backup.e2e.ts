// Back up this device, lose the browser's data, restore: the same device id, the same licenses, and
// a license still usable offline. A wrong passphrase and an altered file are refused with an alert
// and change nothing. And durable storage: what Chromium answered, in the page's words.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { createTestAccount, createTestLicense } from './support/admin';
import { activate, waitForOfflineReady } from './support/license-manager-page';

const PASSPHRASE = 'correct horse battery staple';
/** scrypt's real cost in the page (seconds on a busy test machine): the longest an answer may take. */
const SCRYPT = { timeout: 60_000 };

async function deviceId(page: Page): Promise<string> {
	await page.goto('/');
	const line = page.getByText(/^This device: /);
	await expect(line).toBeVisible();
	return (await line.textContent())!.replace('This device: ', '').trim();
}

async function restore(page: Page, file: string, passphrase: string) {
	await page.goto('/troubleshooting');
	await page.getByLabel('Backup file (.airlock-backup.json)').setInputFiles(file);
	await page.getByLabel('Passphrase of the backup (if it has one)').fill(passphrase);
	await page.getByRole('button', { name: 'Restore', exact: true }).click();
}

test('back up with a passphrase, clear the site’s data, restore: same device, same licenses, usable offline', async ({
	page,
	context,
	baseURL
}, testInfo) => {
	test.setTimeout(120_000);
	// Saving goes through a download (no File System Access dialog to stop at).
	await context.addInitScript(() => {
		delete (window as { showSaveFilePicker?: unknown }).showSaveFilePicker;
		delete (window as { showOpenFilePicker?: unknown }).showOpenFilePicker;
	});
	const account = createTestAccount();
	const server = createTestLicense(account.email);
	const developer = createTestLicense(account.email, { product: 'DEV' });
	await waitForOfflineReady(page);
	for (const license of [server, developer]) {
		await activate(page, account.email, account.password, license.number);
		await expect(page.getByRole('status').filter({ hasText: 'Activated' })).toContainText(license.number);
	}
	const original = await deviceId(page);

	// Durable storage was asked for at the first activation: whatever Chromium answered, the page
	// says it, and when it was refused it points to the backup.
	await page.goto('/troubleshooting');
	const durability = page.getByTestId('durability');
	await expect(durability).toBeVisible();
	if ((await durability.getAttribute('data-durability')) === 'best-effort') {
		await expect(durability).toContainText('may be cleared by the browser');
		await page.goto('/');
		await expect(
			page.getByTestId('storage-notice').getByRole('link', { name: 'Back up this device' })
		).toHaveAttribute('href', '/troubleshooting#backup');
		await page.goto('/troubleshooting');
	} else {
		await expect(durability).toContainText('kept by the browser');
	}

	// Back up, with a passphrase.
	await page.getByLabel('Passphrase (optional)').fill(PASSPHRASE);
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('button', { name: 'Back up this device' }).click()
	]);
	expect(download.suggestedFilename()).toMatch(
		new RegExp(`^${original}-\\d{4}-\\d{2}-\\d{2}\\.airlock-backup\\.json$`)
	);
	const backupPath = testInfo.outputPath(download.suggestedFilename());
	await download.saveAs(backupPath);
	await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toContainText(
		'2 licenses and this device’s identity',
		SCRYPT
	);
	const text = readFileSync(backupPath, 'utf8');
	expect(text).not.toContain(PASSPHRASE);
	const alteredPath = testInfo.outputPath('altered.airlock-backup.json');
	writeFileSync(
		alteredPath,
		text.replace(/"clockMarkMs": (\d+)/, (_all, mark: string) => `"clockMarkMs": ${Number(mark) - 1}`)
	);

	// The site's data cleared (as "Clear browsing data" does): a reload makes a new device.
	const cdp = await context.newCDPSession(page);
	await cdp.send('Storage.clearDataForOrigin', {
		origin: new URL(baseURL!).origin,
		storageTypes: 'indexeddb'
	});
	await page.reload();
	const fresh = await deviceId(page);
	expect(fresh).not.toBe(original);
	await expect(page.getByText('No license is active on this device yet.')).toBeVisible();

	// A wrong passphrase, then an altered file: each an alert, and nothing changed.
	await restore(page, backupPath, 'not the passphrase at all');
	await expect(
		page.getByRole('alert').filter({ hasText: 'passphrase does not open this backup' })
	).toBeVisible(SCRYPT);
	await restore(page, alteredPath, PASSPHRASE);
	await expect(page.getByRole('alert').filter({ hasText: 'changed or damaged' })).toBeVisible();
	expect(await deviceId(page)).toBe(fresh);
	await expect(page.getByText('No license is active on this device yet.')).toBeVisible();

	// The right passphrase: this is the original device again, with both licenses (the page reloads).
	await restore(page, backupPath, PASSPHRASE);
	await expect(page.getByRole('status').filter({ hasText: `this is device ${original} again` })).toBeVisible(
		SCRYPT
	);
	expect(await deviceId(page)).toBe(original);
	for (const license of [server, developer])
		await expect(page.locator(`tr[data-license="${license.number}"]`)).toBeVisible();

	// Offline, the License Manager still judges the license usable here (signature, device, clock).
	await waitForOfflineReady(page);
	await context.setOffline(true);
	await page.reload();
	await expect(page.getByText(`This device: ${original}`)).toBeVisible();
	// The license stored last is the current one.
	const row = page.locator(`tr[data-license="${developer.number}"]`);
	await expect(row).toHaveClass(/current/);
	await expect(row).not.toContainText('made for another device');
	await context.setOffline(false);
});
