// The account page (/account) in Chromium: changing the password (the old one stops working, the
// account's other sessions end, this one stays), and creating an account — offered only where the
// server's sign-up is open, with one answer whether the e-mail was registered or not.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestAccount } from './support/admin';
import { apiClient, baseURL, errorCode } from './support/api-client';
import { adminOn, startOwnServer } from './support/own-server';

/** reliability.e2e.ts +21, cookies-https +22, update +23, update-pending +24, brute-force +25, troubleshooting +26. */
const PORT = Number(process.env.E2E_PORT ?? 4173) + 31;

function signIn(request: APIRequestContext, origin: string, email: string, password: string) {
	return request.post(`${origin}/api/v1/session`, {
		headers: { origin },
		data: { email, password }
	});
}

/** No serious or critical accessibility violation (as accessibility.e2e.ts checks the other pages). */
async function expectAccessible(page: Page) {
	const results = await new AxeBuilder({ page }).analyze();
	const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

test('change password on the account page: the old password stops working, other sessions end, this one stays', async ({
	page
}) => {
	const account = createTestAccount('account');
	const elsewhere = await apiClient(account);
	expect((await signIn(page.request, baseURL, account.email, account.password)).status()).toBe(200);

	await page.goto('/account');
	await expect(page.getByText(`Signed in as ${account.email}.`)).toBeVisible();
	// Sign-up is off on this server (the default): no form, the vendor's sentence instead.
	await expect(page.getByText('Accounts are created by your vendor, not here.')).toBeVisible();
	await expect(page.getByRole('button', { name: 'Create account' })).toHaveCount(0);
	await expectAccessible(page);

	const current = page.getByLabel('Current password');
	const fresh = page.getByLabel('New password');
	const change = page.getByRole('button', { name: 'Change password' });
	await current.fill('not my password');
	await fresh.fill('a brand new password');
	await change.click();
	await expect(
		page.getByRole('alert').filter({ hasText: 'The current password is not right.' })
	).toBeVisible();

	await current.fill(account.password);
	await fresh.fill('too short');
	await change.click();
	await expect(page.getByRole('alert').filter({ hasText: 'at least 10 characters' })).toBeVisible();

	await fresh.fill('a brand new password');
	await change.click();
	await expect(page.getByRole('status').filter({ hasText: 'Your password is changed.' })).toContainText(
		'One other session was signed out.'
	);
	await expect(current).toHaveValue('');

	// The other session has ended; this one goes on.
	expect((await elsewhere.get('/api/v1/session')).status()).toBe(401);
	await page.reload();
	await expect(page.getByText(`Signed in as ${account.email}.`)).toBeVisible();
	// The old password no longer signs in; the new one does.
	const anyone = await apiClient();
	expect((await signIn(anyone, baseURL, account.email, account.password)).status()).toBe(401);
	expect((await signIn(anyone, baseURL, account.email, 'a brand new password')).status()).toBe(200);
});

test('signed out, the account page says where to sign in', async ({ page }) => {
	await page.goto('/account');
	await expect(page.getByText('Sign in to change your password')).toBeVisible();
	await expect(page.getByRole('link', { name: 'Open the License list' })).toHaveAttribute(
		'href',
		'/licenses'
	);
	await expect(page.getByLabel('Current password')).toHaveCount(0);
});

test('Sign out on the account page asks first, ends the session on the server, and keeps the device’s licenses', async ({
	page
}) => {
	const account = createTestAccount('account');
	expect((await signIn(page.request, baseURL, account.email, account.password)).status()).toBe(200);
	await page.goto('/account');
	await expect(page.getByText(`Signed in as ${account.email}.`)).toBeVisible();
	let question = '';
	page.once('dialog', (dialog) => {
		question = dialog.message();
		void dialog.accept();
	});
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page.getByRole('status').filter({ hasText: `Signed out of ${account.email}` })).toBeVisible();
	expect(question).toContain('licenses activated on this device stay');
	expect((await page.request.get('/api/v1/session')).status()).toBe(401);
	await expect(page.getByText('Sign in to change your password')).toBeVisible();
});

test('the account endpoints refuse cross-site requests', async () => {
	const account = createTestAccount('account-csrf');
	const api = await apiClient(account);
	for (const [path, data] of [
		['/api/v1/account/password', { currentPassword: account.password, newPassword: 'a brand new password' }],
		['/api/v1/accounts', { email: `csrf-${Date.now()}@example.com`, password: 'a long password' }]
	] as const) {
		for (const origin of ['https://evil.example', 'null']) {
			const response = await api.post(path, { headers: { origin }, data });
			expect(await errorCode(response), `${path} from ${origin}`).toBe('403 cross_site_request');
		}
	}
	// The password did not change.
	expect((await signIn(await apiClient(), baseURL, account.email, account.password)).status()).toBe(200);
});

test('with SIGNUP=open, Create account makes an account that signs in; a registered e-mail gets the same answer and keeps its password', async ({
	browser
}) => {
	test.setTimeout(90_000);
	const dataDir = mkdtempSync(join(tmpdir(), 'airlock-signup-'));
	const owner = { email: `owner-${Date.now()}@example.com`, password: `pw-${crypto.randomUUID()}` };
	adminOn(dataDir, ['account', 'create', '--email', owner.email, '--password', owner.password]);
	const server = await startOwnServer({ port: PORT, dataDir, env: { SIGNUP: 'open' } });
	const context = await browser.newContext({ baseURL: server.url });
	try {
		const page = await context.newPage();
		await page.goto('/account');
		await expect(page.getByText('Accounts are created by your vendor')).toHaveCount(0);
		const email = page.getByLabel('User ID (e-mail)');
		const password = page.getByLabel('Password', { exact: true });
		const create = page.getByRole('button', { name: 'Create account' });
		await expect(create).toBeVisible();
		await expectAccessible(page);

		await email.fill(`new-${Date.now()}@example.com`);
		await password.fill('short');
		await create.click();
		await expect(page.getByRole('alert').filter({ hasText: 'at least 10 characters' })).toBeVisible();

		const newcomer = { email: `new-${Date.now()}@example.com`, password: 'my own new password' };
		await email.fill(newcomer.email);
		await password.fill(newcomer.password);
		await create.click();
		const answer = page.getByRole('status').filter({ hasText: 'If this e-mail address can be used' });
		await expect(answer).toBeVisible();
		const saidForNew = await answer.textContent();
		expect((await signIn(context.request, server.url, newcomer.email, newcomer.password)).status()).toBe(200);

		// The same again for an e-mail that has an account: the very same sentence, and nothing changes.
		await page.reload();
		await email.fill(owner.email);
		await password.fill('the attacker password');
		await create.click();
		await expect(answer).toBeVisible();
		expect(await answer.textContent()).toBe(saidForNew);
		expect((await signIn(context.request, server.url, owner.email, 'the attacker password')).status()).toBe(
			401
		);
		expect((await signIn(context.request, server.url, owner.email, owner.password)).status()).toBe(200);
	} finally {
		await context.close();
		await server.stop();
		rmSync(dataDir, { recursive: true, force: true });
	}
});
