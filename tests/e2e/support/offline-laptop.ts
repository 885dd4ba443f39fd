// The offline laptop of Deferred Activation: one online visit (the shell cached, the vendor keys
// stored, and whatever `whileOnline` does), then offline for good.
import { expect, type Browser, type Page } from '@playwright/test';

export async function offlineLaptop(
	browser: Browser,
	whileOnline: (page: Page) => Promise<void> = async () => {}
): Promise<Page> {
	const context = await browser.newContext();
	// The File System Access pickers removed before the app loads (the fallback path: a download).
	await context.addInitScript(() => {
		delete (window as { showSaveFilePicker?: unknown }).showSaveFilePicker;
		delete (window as { showOpenFilePicker?: unknown }).showOpenFilePicker;
	});
	const page = await context.newPage();
	await page.goto('/');
	await page.evaluate(() => navigator.serviceWorker.ready);
	await expect
		.poll(() =>
			page.evaluate(
				() =>
					new Promise<boolean>((resolve) => {
						const open = indexedDB.open('airlock-license-manager');
						open.onsuccess = () => {
							const get = open.result.transaction('settings').objectStore('settings').get('trustedKeys');
							get.onsuccess = () => resolve(get.result !== undefined);
						};
					})
			)
		)
		.toBe(true);
	await whileOnline(page);
	await context.setOffline(true);
	return page;
}

/** The portal URL in the QR code the laptop shows for its last request (kept in its settings). */
export function lastRequestQrUrl(laptop: Page): Promise<string> {
	return laptop.evaluate(
		() =>
			new Promise<string>((resolve) => {
				const open = indexedDB.open('airlock-license-manager');
				open.onsuccess = () => {
					const get = open.result.transaction('settings').objectStore('settings').get('lastDeferredRequest');
					get.onsuccess = () => resolve((get.result.value as { qrUrl: string }).qrUrl);
				};
			})
	);
}
