// Steps on the License Manager's pages that many end-to-end tests take.
import type { Page } from '@playwright/test';

/** Opens the app and waits until its service worker controls the page (it then opens offline). */
export async function waitForOfflineReady(page: Page): Promise<void> {
	await page.goto('/');
	await page.evaluate(async () => {
		await navigator.serviceWorker.ready;
		if (!navigator.serviceWorker.controller) {
			await new Promise((resolve) =>
				navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true })
			);
		}
	});
}

/** Fills and sends the Instant Activation form (the outcome is for the test to check). */
export async function activate(
	page: Page,
	email: string,
	password: string,
	licenseNumber: string
): Promise<void> {
	await page.goto('/instant');
	await page.getByLabel('User ID (e-mail)').fill(email);
	await page.getByLabel('Password').fill(password);
	await page.getByLabel('License number').fill(licenseNumber);
	await page.getByRole('button', { name: 'Activate' }).click();
}
