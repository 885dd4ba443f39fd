// Time the License Manager can trust: a clock set back makes time-limited licenses unusable, with
// the reason, until the clock is right again; an emergency license counts down and ends as expired.
import { expect, test } from '@playwright/test';
import { createTestAccount, createTestLicense } from './support/admin';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

test('a clock set back stops time-limited licenses until it is right again; expiry shows, never deletes', async ({
	browser
}) => {
	const account = createTestAccount();
	const license = createTestLicense(account.email);
	const context = await browser.newContext();
	const page = await context.newPage();
	const start = Date.now();
	await page.clock.setSystemTime(start);
	await page.goto('/');
	await page.evaluate(() => navigator.serviceWorker.ready);
	await context.setOffline(true);

	await page.goto('/emergency');
	await page.getByLabel('License number').fill(license.number);
	await page.getByRole('button', { name: 'Activate for 5 days' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Emergency license' })).toBeVisible();

	const row = page.locator(`tr[data-license="${license.number}"] [data-time-status]`);
	await page.goto('/');
	await expect(row).toHaveAttribute('data-time-status', 'running');
	await expect(row).toContainText('5 days left');
	await expect(page.getByRole('status').filter({ hasText: 'ends soon' })).toBeVisible();

	// Two days on (and an hour, away from the day boundary), then the clock is set back to the start.
	await page.clock.setSystemTime(start + 2 * DAY + HOUR);
	await page.reload();
	await expect(row).toContainText('3 days left');
	await page.clock.setSystemTime(start);
	await page.reload();
	await expect(page.getByRole('alert').filter({ hasText: 'clock was set back' })).toBeVisible();
	await expect(row).toHaveAttribute('data-time-status', 'clock-set-back');
	await expect(row).toContainText('Not usable: the clock was set back');

	// Right again: the license counts from the latest time seen, not from the clock set back.
	await page.clock.setSystemTime(start + 2 * DAY + 2 * HOUR);
	await page.reload();
	await expect(page.getByRole('alert').filter({ hasText: 'clock was set back' })).toHaveCount(0);
	await expect(row).toContainText('3 days left');

	// Past its 5 days: shown as expired, still listed.
	await page.clock.setSystemTime(start + 5 * DAY + HOUR);
	await page.reload();
	await expect(row).toHaveAttribute('data-time-status', 'expired');
	await expect(row).toContainText('Expired');
	await context.close();
});
