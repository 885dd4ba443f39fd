// The activation portal's Sign out: it asks first, ends the session on the server, and shows the
// sign-in again.
import { expect, test } from '@playwright/test';
import { createTestAccount } from './support/admin';

test('Sign out on the portal ends the session on the server, after a confirmation that says what stays', async ({
	page
}) => {
	const account = createTestAccount();
	await page.goto('/portal');
	await page.getByLabel('User ID (e-mail)').fill(account.email);
	await page.getByLabel('Password').fill(account.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByText(`Signed in as ${account.email}.`)).toBeVisible();

	// Dismissed: nothing happens.
	page.once('dialog', (dialog) => void dialog.dismiss());
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page.getByText(`Signed in as ${account.email}.`)).toBeVisible();
	expect((await page.request.get('/api/v1/session')).status()).toBe(200);

	let question = '';
	page.once('dialog', (dialog) => {
		question = dialog.message();
		void dialog.accept();
	});
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
	expect(question).toContain('licenses you activated stay');
	expect((await page.request.get('/api/v1/session')).status()).toBe(401);
});
