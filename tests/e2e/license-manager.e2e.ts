// The License Manager in Chromium against the built app and a real server on SQLite.
import { chromium, expect, test, type Page } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addTestExpansion, createTestAccount, createTestLicense } from './support/admin';
import { activate, waitForOfflineReady } from './support/license-manager-page';

/** Every page of the License Manager, and the heading that shows it rendered. */
const PAGES = [
	['/', 'License Manager'],
	['/instant', 'Instant Activation'],
	['/deferred', 'Deferred Activation'],
	['/emergency', 'Emergency Activation'],
	['/troubleshooting', 'Troubleshooting']
] as const;

async function expectEveryPageOpens(page: Page) {
	for (const [path, heading] of PAGES) {
		await page.goto(path);
		await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
	}
}

test('Chromium reports no installability errors', async ({ baseURL }, testInfo) => {
	// Installability is only judged outside incognito, so this test uses a real profile.
	const profile = mkdtempSync(join(tmpdir(), 'airlock-profile-'));
	const context = await chromium.launchPersistentContext(profile, {
		...testInfo.project.use.launchOptions,
		baseURL
	});
	try {
		const page = await context.newPage();
		await waitForOfflineReady(page);
		const cdp = await context.newCDPSession(page);
		const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
		expect(installabilityErrors).toEqual([]);
	} finally {
		await context.close();
	}
});

test('Instant Activation stores a verified license and shows it in Active Licenses, in bold', async ({
	page
}) => {
	const account = createTestAccount();
	const license = createTestLicense(account.email, { expansions: ['CLX'] });
	await page.goto('/');
	await activate(page, account.email, account.password, license.number);
	await expect(page.getByRole('status').filter({ hasText: 'Activated' })).toContainText(license.number);
	await page.getByRole('link', { name: 'License Manager' }).click();
	const row = page.locator(`tr[data-license="${license.number}"]`);
	await expect(row).toBeVisible();
	await expect(row).toHaveClass(/current/);
	await expect(row).toContainText(license.expansions[0]!.number);
	await expect(page.locator(`tr[data-license="${license.expansions[0]!.number}"]`)).toBeVisible();
});

test('where the browser allows no service worker, Instant Activation still completes', async ({
	browser
}) => {
	const account = createTestAccount();
	const license = createTestLicense(account.email);
	const context = await browser.newContext({ serviceWorkers: 'block' });
	try {
		const page = await context.newPage();
		await page.goto('/');
		await activate(page, account.email, account.password, license.number);
		await expect(page.getByRole('status').filter({ hasText: 'Activated' })).toContainText(license.number);
		await expect(page.getByRole('button', { name: 'Activating…' })).toHaveCount(0);
	} finally {
		await context.close();
	}
});

test('each error a user can cause is a specific alert and stores nothing', async ({ page }) => {
	const account = createTestAccount();
	const license = createTestLicense(account.email, { seats: 1 });
	const other = createTestAccount();
	createTestLicense(other.email);
	await page.goto('/instant');
	// A typo is caught as it is typed.
	await page
		.getByLabel('License number')
		.fill(license.number.slice(0, -1) + (license.number.endsWith('2') ? '3' : '2'));
	await expect(page.getByRole('alert')).toContainText(/mistyped|swapped/);
	await activate(page, account.email, 'wrong password', license.number);
	await expect(page.getByRole('alert')).toContainText('user ID and password');
	await activate(page, account.email, account.password, 'SRV-5BQ7-MKXD-3H99');
	await expect(page.getByRole('alert')).toContainText('was not found in your account');
	await page.goto('/');
	await expect(page.getByText('No license is active on this device yet.')).toBeVisible();
});

test('every page opens offline after one visit, also in a new page', async ({ page, context }) => {
	await waitForOfflineReady(page);
	await context.setOffline(true);
	const fresh = await context.newPage();
	await expectEveryPageOpens(fresh);
	await expect(fresh.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
	await context.setOffline(false);
});

test('an Instant Activation made offline is queued and completes by itself when the connection returns', async ({
	page,
	context
}) => {
	const account = createTestAccount();
	const first = createTestLicense(account.email);
	const second = createTestLicense(account.email, { product: 'DEV' });
	await waitForOfflineReady(page);
	await activate(page, account.email, account.password, first.number);
	await expect(page.getByRole('status').filter({ hasText: 'Activated' })).toBeVisible();

	await context.setOffline(true);
	await activate(page, account.email, account.password, second.number);
	await expect(page.getByRole('alert')).toContainText('will finish by itself');
	await expect(page.getByText('1 operation waiting for the server')).toBeVisible();
	// The password was not kept in the clear: only its sealed form is on the device.
	const stored = await page.evaluate(
		() =>
			new Promise<string>((resolve, reject) => {
				const open = indexedDB.open('airlock-license-manager');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const all = open.result.transaction('outbox', 'readonly').objectStore('outbox').getAll();
					all.onsuccess = () => resolve(JSON.stringify(all.result));
				};
			})
	);
	expect(stored).toContain('AIRLOCK-S1.');
	expect(stored).not.toContain(account.password);

	// The session has ended meanwhile (expired, or signed out elsewhere): no sign-in is asked for.
	await context.clearCookies();
	await context.setOffline(false);
	// The page that queued it says so without a reload.
	await expect(page.getByRole('status').filter({ hasText: 'queued activation went through' })).toContainText(
		second.number,
		{ timeout: 30_000 }
	);
	await expect(page.getByText('Nothing waiting for the server')).toBeVisible();
	await page.getByRole('link', { name: 'License Manager' }).click();
	await expect(page.locator(`tr[data-license="${second.number}"]`)).toBeVisible();
});

test('Refresh brings an expansion purchased after activation', async ({ page }) => {
	const account = createTestAccount();
	const license = createTestLicense(account.email);
	await activate(page, account.email, account.password, license.number);
	await expect(page.getByRole('status').filter({ hasText: 'Activated' })).toBeVisible();
	const expansion = addTestExpansion(license.number, 'WEB');
	await page.goto('/');
	await expect(page.locator(`tr[data-license="${expansion.number}"]`)).toHaveCount(0);
	await page.getByRole('button', { name: 'Refresh' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Refresh done' })).toBeVisible();
	await expect(page.locator(`tr[data-license="${expansion.number}"]`)).toBeVisible();
	await expect(page.locator(`tr[data-license="${license.number}"]`)).toContainText(expansion.number);
});

test.describe('with a real browser profile', () => {
	async function launch(profile: string, baseURL: string | undefined, launchOptions: object) {
		return chromium.launchPersistentContext(profile, { ...launchOptions, baseURL });
	}

	test('the License Manager opens offline after a browser restart', async ({ baseURL }, testInfo) => {
		const profile = mkdtempSync(join(tmpdir(), 'airlock-profile-'));
		const first = await launch(profile, baseURL, testInfo.project.use.launchOptions ?? {});
		await waitForOfflineReady(await first.newPage());
		await first.close();
		const second = await launch(profile, baseURL, testInfo.project.use.launchOptions ?? {});
		try {
			await second.setOffline(true);
			await expectEveryPageOpens(await second.newPage());
		} finally {
			await second.close();
		}
	});

	test('with the page closed, the service worker finishes a queued activation through Background Sync', async ({
		baseURL
	}, testInfo) => {
		const account = createTestAccount();
		const first = createTestLicense(account.email);
		const second = createTestLicense(account.email, { product: 'DEV' });
		const profile = mkdtempSync(join(tmpdir(), 'airlock-profile-'));
		const context = await launch(profile, baseURL, testInfo.project.use.launchOptions ?? {});
		try {
			const page = await context.newPage();
			await waitForOfflineReady(page);
			await activate(page, account.email, account.password, first.number);
			await expect(page.getByRole('status').filter({ hasText: 'Activated' })).toBeVisible();
			await context.setOffline(true);
			await activate(page, account.email, account.password, second.number);
			await expect(page.getByRole('alert')).toContainText('queued');

			// Close every page of the app, come back online with the session gone, and let the browser
			// fire the sync event: the sealed authorization finishes it with no sign-in.
			await context.clearCookies();
			const blank = await context.newPage();
			await page.close();
			await context.setOffline(false);
			const cdp = await context.newCDPSession(blank);
			const registration = new Promise<string>((resolve) => {
				cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
					const ours = registrations.find(
						(r: { scopeURL: string; isDeleted: boolean }) => r.scopeURL.startsWith(baseURL!) && !r.isDeleted
					);
					if (ours) resolve(ours.registrationId);
				});
			});
			await cdp.send('ServiceWorker.enable');
			await cdp.send('ServiceWorker.dispatchSyncEvent', {
				origin: new URL(baseURL!).origin,
				registrationId: await registration,
				tag: 'airlock-outbox',
				lastChance: false
			});

			// The service worker stored the license with no page of the app open. Read IndexedDB from a
			// same-origin document that is not the app (the app would flush the outbox itself).
			const reader = await context.newPage();
			await reader.goto('/manifest.webmanifest');
			const stored = () =>
				reader.evaluate(
					(number) =>
						new Promise<{ license: boolean; states: string[] }>((resolve, reject) => {
							const open = indexedDB.open('airlock-license-manager');
							open.onerror = () => reject(open.error);
							open.onsuccess = () => {
								const tx = open.result.transaction(['licenses', 'outbox'], 'readonly');
								const license = tx.objectStore('licenses').get(number);
								const outbox = tx.objectStore('outbox').getAll();
								tx.oncomplete = () => {
									resolve({
										license: license.result !== undefined,
										states: (outbox.result as { state: string }[]).map((i) => i.state)
									});
									open.result.close();
								};
							};
						}),
					second.number
				);
			// Both activations went through the queue; a done item stays a day for the page that queued it.
			await expect.poll(stored, { timeout: 20_000 }).toEqual({ license: true, states: ['done', 'done'] });
		} finally {
			await context.close();
		}
	});
});
