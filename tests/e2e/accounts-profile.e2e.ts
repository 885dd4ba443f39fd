// Two accounts on one browser profile (issue 21, items 3 and 4): each sees only its own License list
// and projects; an edit one account queued and kept at its sign-out is never applied under the
// other's session, and goes through when its own account signs in again; Sign out ends the session
// on the server. And a session that ended by itself (item 5): the list says so, with its copy's age.
import AxeBuilder from '@axe-core/playwright';
import { expect, request as playwrightRequest, test, type Page } from '@playwright/test';
import { storeLicensesResponseSchema } from '../../src/lib/protocol/store';
import { syncResponseSchema } from '../../src/lib/protocol/api';
import { createTestAccount, createTestLicense, type TestAccount } from './support/admin';
import { apiClient, baseURL } from './support/api-client';

/** The store pages' own sign-in form (the status bar may offer another, for queued work). */
async function signInOnStorePage(page: Page, account: TestAccount) {
	const form = page.getByRole('form', {
		name: 'Sign in with your account to see its licenses and projects.'
	});
	await form.getByLabel('User ID (e-mail)').fill(account.email);
	await form.getByLabel('Password').fill(account.password);
	await form.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByText(`Signed in as ${account.email}.`)).toBeVisible();
	await expect(page.getByText(/^Synced /)).toBeVisible();
}

function signOutButton(page: Page) {
	return page.locator('p', { hasText: 'Signed in as' }).getByRole('button', { name: 'Sign out' });
}

/** Where the account's license is, as the server says (asked as that account, not through the page). */
async function projectOf(account: TestAccount, licenseNumber: string): Promise<string | null> {
	const api = await apiClient(account);
	try {
		const list = storeLicensesResponseSchema.parse(await (await api.get('/api/v1/store/licenses')).json());
		return list.licenses.find((license) => license.number === licenseNumber)?.link?.projectId ?? null;
	} finally {
		await api.dispose();
	}
}

test('two accounts on one profile: each sees only its own list, a kept edit waits for its account, sign-out ends the session', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const ada = createTestAccount('ada');
	const adaLicense = createTestLicense(ada.email, { seats: 2 });
	const bob = createTestAccount('bob');
	const bobLicense = createTestLicense(bob.email, { product: 'DEV' });
	const PROJECT_NAME = 'Ada’s warehouse tills';

	// Ada already has a project, made on another device.
	const projectId = crypto.randomUUID();
	const adaApi = await apiClient(ada);
	const created = syncResponseSchema.parse(
		await (
			await adaApi.post('/api/v1/sync', {
				data: {
					operations: [
						{
							id: `op-${crypto.randomUUID()}`,
							type: 'store-edit',
							payload: {
								edit: {
									kind: 'project-name',
									projectId,
									name: PROJECT_NAME,
									stamp: { wall: Date.now(), counter: 0, device: 'AAAA-AAAA-AAAA' },
									base: null
								}
							}
						}
					]
				}
			})
		).json()
	);
	expect(created.results).toMatchObject([{ status: 'applied' }]);
	await adaApi.dispose();

	const context = await browser.newContext();
	const page = await context.newPage();
	// Every answer of the server to a sync that carried Ada's edit, with the items' statuses.
	const answersToAdasEdit: string[][] = [];
	context.on('response', async (response) => {
		if (
			!response.url().endsWith('/api/v1/sync') ||
			!response.request().postData()?.includes(adaLicense.number)
		)
			return;
		const body = syncResponseSchema.safeParse(await response.json().catch(() => null));
		answersToAdasEdit.push(
			body.success ? body.data.results.map((result) => result.status) : [`HTTP ${response.status()}`]
		);
	});

	await page.goto('/licenses');
	await signInOnStorePage(page, ada);
	const adaRow = page.locator(`tr[data-license="${adaLicense.number}"]`);
	await expect(adaRow).toBeVisible();

	// Offline, Ada links her license to her project: the edit is queued.
	await context.setOffline(true);
	await page.getByRole('button', { name: `Details of ${adaLicense.number}` }).click();
	await page.getByRole('button', { name: 'Link to a project…' }).click();
	const linkDialog = page.getByRole('dialog', { name: `Link ${adaLicense.number} to a project` });
	await linkDialog.getByLabel('Project').selectOption({ label: PROJECT_NAME });
	await linkDialog.getByRole('button', { name: 'Link' }).click();
	await expect(adaRow).toContainText(PROJECT_NAME);
	await expect(page.getByText('1 operation waiting for the server')).toBeVisible();
	// The details sheet is closed before going on with the page.
	await page
		.getByRole('dialog', { name: `License ${adaLicense.number}` })
		.getByRole('button', { name: 'Close' })
		.click();

	// Back online, the server holds off the queue (it answers its sync with an error), so the edit
	// is still waiting when Ada signs out; the page and its service worker alike.
	await context.route('**/api/v1/sync', (route) =>
		route.fulfill({
			status: 500,
			contentType: 'application/json',
			body: JSON.stringify({ error: { code: 'server_error', message: 'Held off by the test.' } })
		})
	);
	await context.setOffline(false);
	await expect(page.getByText(/^Synced /)).toBeVisible({ timeout: 30_000 });
	const adaCookie = (await context.cookies()).find((cookie) => cookie.name === 'airlock_session');
	expect(adaCookie).toBeDefined();

	await signOutButton(page).click();
	const signOut = page.getByRole('dialog', { name: `Sign out of ${ada.email}` });
	await expect(signOut).toContainText(
		`Sign out of ${ada.email}? The licenses activated on this device stay on it.`
	);
	await expect(signOut).toContainText('1 change made with this account is still waiting for the server.');
	await expect(signOut.getByRole('button', { name: 'Discard it and sign out' })).toBeVisible();
	await signOut.getByRole('button', { name: 'Keep it and sign out' }).click();
	await expect(page.getByRole('status').filter({ hasText: `Signed out of ${ada.email}.` })).toContainText(
		'1 change is kept: it is sent when this account signs in here again.'
	);
	await expect(page.getByRole('form', { name: /^Sign in with your account/ })).toBeVisible();
	await expect(page.locator('tr[data-license]')).toHaveCount(0);
	await expect(page.locator('main')).not.toContainText(adaLicense.number);

	// The session has ended on the server: the old cookie opens nothing.
	const oldCookie = await playwrightRequest.newContext({
		baseURL,
		extraHTTPHeaders: { cookie: `airlock_session=${adaCookie!.value}` }
	});
	expect((await oldCookie.get('/api/v1/session')).status()).toBe(401);
	expect((await oldCookie.get('/api/v1/store/licenses')).status()).toBe(401);
	await oldCookie.dispose();
	// Nothing of Ada's edit reached the server while it was held off.
	expect(answersToAdasEdit.flat()).not.toContain('applied');

	// Bob signs in on the same profile; the queue goes again.
	await context.unroute('**/api/v1/sync');
	await signInOnStorePage(page, bob);
	await expect(page.locator(`tr[data-license="${bobLicense.number}"]`)).toBeVisible();
	await expect(page.locator('tr[data-license]')).toHaveCount(1);
	await expect(page.getByRole('status').filter({ hasText: '1 license(s)' })).toBeVisible();

	// Ada's edit is sent under Bob's session and waits for her: it is not applied, here or there.
	await expect.poll(() => answersToAdasEdit.flat(), { timeout: 30_000 }).toContain('needs-sign-in');
	const syncStatus = page.getByRole('region', { name: 'Sync status' });
	await expect(syncStatus.locator('li[data-state="needs-sign-in"]')).toContainText(`belongs to ${ada.email}`);
	await expect(
		page.getByText(
			`1 change made as ${ada.email} waits on this device until ${ada.email} signs in here again.`
		)
	).toBeVisible();
	expect(answersToAdasEdit.flat()).not.toContain('applied');
	expect(await projectOf(ada, adaLicense.number)).toBeNull();

	// Nothing of Ada's shows on Bob's pages: her license, her project, her license's project.
	await expect(page.locator('main')).not.toContainText(adaLicense.number);
	await expect(page.locator('main')).not.toContainText(PROJECT_NAME);
	await expect(page.getByRole('search').getByLabel('Project').locator('option')).toHaveText([
		'All projects',
		'Not in a project'
	]);
	await page.goto('/projects');
	await expect(page.getByText(`Signed in as ${bob.email}.`)).toBeVisible();
	await expect(page.getByText('No project yet.', { exact: false })).toBeVisible();
	await expect(page.locator('main')).not.toContainText(PROJECT_NAME);
	await expect(page.locator('main')).not.toContainText(adaLicense.number);

	// Bob signs out (nothing of his waits); Ada signs in again: her copy is back, and her kept edit
	// goes through in her own session.
	await signOutButton(page).click();
	const bobSignOut = page.getByRole('dialog', { name: `Sign out of ${bob.email}` });
	await expect(bobSignOut).not.toContainText('waiting for the server');
	await bobSignOut.getByRole('button', { name: 'Sign out' }).click();
	await expect(page.getByRole('status').filter({ hasText: `Signed out of ${bob.email}.` })).toBeVisible();
	await page.goto('/licenses');
	await signInOnStorePage(page, ada);
	await expect(adaRow).toContainText(PROJECT_NAME);
	await expect(page.locator('main')).not.toContainText(bobLicense.number);
	await expect.poll(() => projectOf(ada, adaLicense.number), { timeout: 30_000 }).toBe(projectId);
	expect(answersToAdasEdit.flat()).toContain('applied');
	await context.close();
});

test('a session ended on the server: the License list says so with the age of its copy, beside the sign-in; Sign out by keyboard', async ({
	browser
}) => {
	const ada = createTestAccount('ended');
	const license = createTestLicense(ada.email);
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto('/licenses');
	await signInOnStorePage(page, ada);
	const row = page.locator(`tr[data-license="${license.number}"]`);
	await expect(row).toBeVisible();

	// Sign out from the keyboard: the dialog opens on Enter and Escape leaves everything as it was.
	await signOutButton(page).focus();
	await page.keyboard.press('Enter');
	const dialog = page.getByRole('dialog', { name: `Sign out of ${ada.email}` });
	await expect(dialog).toBeVisible();
	await expect(dialog.getByRole('button', { name: 'Sign out' })).toBeFocused();
	const serious = (await new AxeBuilder({ page }).analyze()).violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.id}: ${v.help}`);
	expect(serious).toEqual([]);
	await page.keyboard.press('Escape');
	await expect(dialog).toBeHidden();
	await expect(page.getByText(`Signed in as ${ada.email}.`)).toBeVisible();

	// The session ends on the server without this page (as an idle one does).
	const cookie = (await context.cookies()).find((c) => c.name === 'airlock_session');
	const elsewhere = await playwrightRequest.newContext({
		baseURL,
		extraHTTPHeaders: { origin: baseURL, cookie: `airlock_session=${cookie!.value}` }
	});
	expect((await elsewhere.delete('/api/v1/session')).ok()).toBe(true);
	await elsewhere.dispose();

	await page.reload();
	await expect(
		page.getByRole('status').filter({
			hasText: 'Your session has ended: this is the copy from just now. Sign in to see the current list.'
		})
	).toBeVisible();
	await expect(row).toBeVisible();
	await expect(page.getByText(`Signed in as ${ada.email}.`)).toHaveCount(0);
	// Opened again later: still the ended session's copy, said to be one (only a sign-out hides it).
	await page.reload();
	await expect(page.getByRole('status').filter({ hasText: 'Your session has ended' })).toBeVisible();
	await expect(row).toBeVisible();
	const form = page.getByRole('form', { name: /^Sign in with your account/ });
	await expect(form.getByLabel('User ID (e-mail)')).toHaveValue(ada.email);
	await form.getByLabel('Password').fill(ada.password);
	await form.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByText(/^Synced /)).toBeVisible();
	await expect(page.getByText('Your session has ended')).toHaveCount(0);
	await context.close();
});
