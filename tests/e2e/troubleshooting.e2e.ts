// The troubleshooting page: live checks against the real server (and the same server stopped), the
// symptoms table, the diagnostic report and the vendor's contacts from its configuration.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startOwnServer } from './support/own-server';

const PORT = Number(process.env.E2E_PORT ?? 4173) + 26;

test('shows a failing server check once the server is down, with what to do, and the vendor’s contacts', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const server = await startOwnServer({
		port: PORT,
		dataDir: mkdtempSync(join(tmpdir(), 'airlock-troubleshooting-')),
		env: {
			VENDOR_NAME: 'Example Software Ltd',
			VENDOR_SUPPORT_URL: 'https://support.example.com/licenses',
			VENDOR_PHONES: 'FR=+33 1 23 45 67 89;US=+1 408 555 0100'
		}
	});
	const context = await browser.newContext({ baseURL: server.url });
	try {
		const page = await context.newPage();
		await page.goto('/troubleshooting');
		const serverCheck = page.locator('[data-check="server"]');
		// The checks show once every one has answered (the service worker's among them, which may still
		// be installing on this fresh origin): seconds on a loaded machine.
		await expect(serverCheck).toHaveAttribute('data-status', 'pass', { timeout: 30_000 });
		await expect(serverCheck).toContainText('Reachable');
		await expect(page.locator('[data-check="network"]')).toHaveAttribute('data-status', 'pass');
		for (const id of ['service-worker', 'storage', 'file-access', 'camera', 'clock', 'sync'])
			await expect(page.locator(`[data-check="${id}"]`)).toHaveAttribute(
				'data-status',
				/pass|warning|failure/
			);

		const contacts = page.getByTestId('vendor-contacts');
		await expect(page.getByText('please contact Example Software Ltd')).toBeVisible();
		await expect(contacts.getByRole('link', { name: 'https://support.example.com/licenses' })).toBeVisible();
		await expect(contacts).toContainText('Telephone (FR): +33 1 23 45 67 89');
		await expect(contacts.getByRole('link', { name: '+1 408 555 0100' })).toHaveAttribute(
			'href',
			'tel:+14085550100'
		);

		await server.stop();
		await page.getByRole('button', { name: 'Run the checks again' }).click();
		await expect(serverCheck).toHaveAttribute('data-status', 'failure');
		await expect(serverCheck).toContainText('Cannot be reached');
		await expect(serverCheck).toContainText('Deferred Activation');
		// The symptoms table points at the failing check.
		const onlineFailure = page.getByRole('row', { name: /Failure of on-line activation/ });
		await expect(onlineFailure.getByRole('link', { name: 'Activation server: Failure' })).toBeVisible();
		// Contacts stay: they were kept when the server last answered.
		await expect(contacts).toContainText('+33 1 23 45 67 89');

		await context.grantPermissions(['clipboard-read', 'clipboard-write']);
		await page.getByRole('button', { name: 'Copy diagnostic report' }).click();
		await expect(page.getByRole('status').filter({ hasText: 'diagnostic report is copied' })).toBeVisible();
		const report = await page.evaluate(() => navigator.clipboard.readText());
		expect(report).toContain('Airlock License Manager — diagnostic report');
		expect(report).toMatch(/- Activation server: FAILURE/);
		expect(report).toContain('Server: unreachable');
	} finally {
		await context.close();
		await server.stop();
	}
});
