// The trusted clock with the server (issue 22): a sync's fresh signed time (bound to the nonce the
// page sent) re-anchors the clock. A clock set back and then corrected is lifted by the next sync;
// an honest user who corrects a slow clock is never told the clock was set back.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { createTestAccount, createTestLicense } from './support/admin';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function startEmergency(page: Page, licenseNumber: string) {
	await page.goto('/emergency');
	await page.getByLabel('License number').fill(licenseNumber);
	await page.getByRole('button', { name: 'Activate for 5 days' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Emergency license' })).toBeVisible();
}

/** A License Manager installed (online once) with the page's clock held at now, and a license to use. */
async function installedWithLicense(browser: Browser) {
	const account = createTestAccount();
	const license = createTestLicense(account.email);
	const context = await browser.newContext();
	const page = await context.newPage();
	const start = Date.now();
	await page.clock.setSystemTime(start);
	await page.goto('/');
	await page.evaluate(() => navigator.serviceWorker.ready);
	return { license, context, page, start };
}

const setBackAlert = (page: Page) => page.getByRole('alert').filter({ hasText: 'clock was set back' });
const syncStatus = (page: Page) => page.getByRole('status').filter({ hasText: /Online|Offline/ });

test('a clock set back, then corrected: the next sync lifts the block', async ({ browser }) => {
	const { license, context, page, start } = await installedWithLicense(browser);
	// The health check at start counts as a contact with the server (it confirmed the time).
	await expect(syncStatus(page)).toContainText('Last sync');
	await context.setOffline(true);
	await startEmergency(page, license.number);

	const row = page.locator(`tr[data-license="${license.number}"] [data-time-status]`);
	// The clock two days ahead, then set back: not usable.
	await page.clock.setSystemTime(start + 2 * DAY + HOUR);
	await page.goto('/');
	await expect(row).toContainText('3 days left');
	await page.clock.setSystemTime(start);
	await page.reload();
	await expect(setBackAlert(page)).toBeVisible();
	await expect(row).toContainText('Not usable: the clock was set back');

	// Right again (the server's time) and online: the sync's fresh time brings the mark down to it.
	await page.clock.setSystemTime(Date.now());
	await context.setOffline(false);
	await page.reload();
	await expect(setBackAlert(page)).toHaveCount(0);
	await expect(row).toHaveAttribute('data-time-status', 'running');
	await expect(row).toContainText('5 days left');
	await context.close();
});

test('an honest user who corrects a slow clock is never blocked, and has the right days after a sync', async ({
	browser
}) => {
	const account = createTestAccount();
	const license = createTestLicense(account.email);
	const context = await browser.newContext();
	const page = await context.newPage();
	// The device clock is two days slow; the health check at start measures it.
	await page.clock.setSystemTime(Date.now() - 2 * DAY);
	await page.goto('/');
	await page.evaluate(() => navigator.serviceWorker.ready);
	await expect(syncStatus(page)).toContainText('Last sync');
	await context.setOffline(true);
	await startEmergency(page, license.number);
	const row = page.locator(`tr[data-license="${license.number}"] [data-time-status]`);
	await page.goto('/');
	await expect(row).toContainText('5 days left');

	// The user sets the clock right, still offline: the measured offset counts twice until the next
	// sync (less time shown, never more), and never "set back".
	await page.clock.setSystemTime(Date.now());
	await page.reload();
	await expect(row).toHaveAttribute('data-time-status', 'running');
	await expect(row).toContainText('3 days left');
	await expect(setBackAlert(page)).toHaveCount(0);

	// Online: the sync re-anchors the clock, and the days left are right again.
	await context.setOffline(false);
	await page.reload();
	await expect(row).toContainText('5 days left');
	await expect(row).toHaveAttribute('data-time-status', 'running');
	await expect(setBackAlert(page)).toHaveCount(0);
	await context.close();
});

test('deleting the clock’s row with the clock set back does not reset it (the identity row keeps the mark)', async ({
	browser
}) => {
	const { license, context, page, start } = await installedWithLicense(browser);
	await context.setOffline(true);
	await startEmergency(page, license.number);
	const row = page.locator(`tr[data-license="${license.number}"] [data-time-status]`);
	await page.clock.setSystemTime(start + 2 * DAY + HOUR);
	await page.goto('/');
	await expect(row).toContainText('3 days left');
	await page.clock.setSystemTime(start);
	await page.reload();
	await expect(row).toContainText('Not usable: the clock was set back');

	// One row deleted, as from the browser's developer tools.
	await page.evaluate(
		() =>
			new Promise<void>((resolve, reject) => {
				const open = indexedDB.open('airlock-license-manager');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const db = open.result;
					const tx = db.transaction('syncState', 'readwrite');
					tx.objectStore('syncState').delete('clock');
					tx.oncomplete = () => {
						db.close();
						resolve();
					};
					tx.onerror = () => reject(tx.error);
				};
			})
	);
	await page.reload();
	await expect(setBackAlert(page)).toBeVisible();
	await expect(row).toContainText('Not usable: the clock was set back');
	await context.close();
});
