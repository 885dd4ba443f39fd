// IndexedDB full: with the site's quota used up (Chromium's quota lowered through the DevTools
// protocol, the rest filled by another database), activating and queueing say clearly that there
// is no room, and nothing half-written is left behind once the page is opened again.
import { expect, test, type Page } from '@playwright/test';
import { createTestAccount, createTestLicense } from './support/admin';
import { activate } from './support/license-manager-page';

/** Rows of the License Manager's own database, read from the page. */
function storedCounts(page: Page) {
	return page.evaluate(
		() =>
			new Promise<{ licenses: number; outbox: number }>((resolve, reject) => {
				const open = indexedDB.open('airlock-license-manager');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const tx = open.result.transaction(['licenses', 'outbox'], 'readonly');
					const licenses = tx.objectStore('licenses').count();
					// Items still to be sent (an applied one stays a while as done, for the page).
					const outbox = tx.objectStore('outbox').index('state').count(IDBKeyRange.only('queued'));
					tx.oncomplete = () => {
						open.result.close();
						resolve({ licenses: licenses.result, outbox: outbox.result });
					};
				};
			})
	);
}

/** Fills what is left of the quota with another database of this origin; returns the bytes written. */
function fillStorage(page: Page) {
	return page.evaluate(async () => {
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const open = indexedDB.open('filler', 1);
			open.onupgradeneeded = () => open.result.createObjectStore('blobs', { autoIncrement: true });
			open.onsuccess = () => resolve(open.result);
			open.onerror = () => reject(open.error);
		});
		let written = 0;
		for (const size of [256 * 1024, 16 * 1024, 1024, 64]) {
			for (;;) {
				const ok = await new Promise<boolean>((resolve) => {
					const tx = db.transaction('blobs', 'readwrite');
					tx.objectStore('blobs').add(new Uint8Array(size).fill(7));
					tx.oncomplete = () => resolve(true);
					tx.onabort = () => resolve(false);
					tx.onerror = () => resolve(false);
				});
				if (!ok) break;
				written += size;
			}
		}
		db.close();
		return written;
	});
}

test('with storage full, activating and queueing say so clearly and store nothing half-written', async ({
	page,
	context,
	baseURL
}) => {
	test.setTimeout(90_000);
	const account = createTestAccount();
	const online = createTestLicense(account.email);
	const offline = createTestLicense(account.email, { product: 'DEV' });
	await page.goto('/');
	await page.evaluate(() => navigator.serviceWorker.ready);
	// The device identity and keys are written at start-up: wait for them before the quota drops.
	await expect(page.getByRole('status').filter({ hasText: 'Online' })).toBeVisible();

	const pageErrors: string[] = [];
	page.on('pageerror', (error) => pageErrors.push(`${error.name}: ${error.message}`));
	const cdp = await context.newCDPSession(page);
	const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
	await cdp.send('Storage.overrideQuotaForOrigin', {
		origin: new URL(baseURL!).origin,
		quotaSize: usage + 512 * 1024
	});
	try {
		expect(await fillStorage(page)).toBeGreaterThan(0);

		// Queue-first: with no room to queue the activation, nothing is sent, so no seat is taken.
		await activate(page, account.email, account.password, online.number);
		await expect(page.getByRole('alert')).toContainText('no room left to store the activation');
		await expect(page.getByRole('alert')).not.toContainText('Activation failed');

		await context.setOffline(true);
		await activate(page, account.email, account.password, offline.number);
		await expect(page.getByRole('alert')).toContainText('no room left to store the activation');
		await context.setOffline(false);

		// Opened again: no license and no queue item, whole or in part.
		await page.goto('/');
		await expect(page.getByRole('heading', { level: 1, name: 'License Manager' })).toBeVisible();
		expect(await storedCounts(page)).toEqual({ licenses: 0, outbox: 0 });

		// Room made: the same activation now goes through and stores the license.
		await page.evaluate(
			() =>
				new Promise<void>((resolve, reject) => {
					const deletion = indexedDB.deleteDatabase('filler');
					deletion.onsuccess = () => resolve();
					deletion.onerror = () => reject(deletion.error);
				})
		);
		await activate(page, account.email, account.password, online.number);
		await expect(page.getByRole('status').filter({ hasText: 'Activated' })).toBeVisible();
		expect(await storedCounts(page)).toEqual({ licenses: 1, outbox: 0 });
		// No uncaught error on the way.
		expect(pageErrors).toEqual([]);
	} finally {
		await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(baseURL!).origin });
	}
});
