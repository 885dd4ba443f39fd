import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { createTestAccount, createTestLicense } from './support/admin';

for (const path of [
	'/',
	'/instant',
	'/deferred',
	'/emergency',
	'/licenses',
	'/projects',
	'/troubleshooting',
	'/portal'
]) {
	test(`axe finds no serious or critical violation on ${path}`, async ({ page }) => {
		await page.goto(path);
		await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
		const results = await new AxeBuilder({ page }).analyze();
		const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
		expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
	});
}

test('every control of Instant Activation is reachable by keyboard, with a visible focus', async ({
	page
}) => {
	await page.goto('/instant');
	await page.getByLabel('User ID (e-mail)').focus();
	for (const name of ['Password', 'License number']) {
		await page.keyboard.press('Tab');
		await expect(page.getByLabel(name)).toBeFocused();
	}
	const outline = await page
		.getByLabel('License number')
		.evaluate((element) => getComputedStyle(element).outlineStyle);
	expect(outline).not.toBe('none');
});

test('axe finds no serious or critical violation in the License list with a license selected and the Link dialog open', async ({
	page
}) => {
	const account = createTestAccount('a11y');
	const license = createTestLicense(account.email, { expansions: ['CLX'] });
	await page.goto('/licenses');
	await page.getByLabel('User ID (e-mail)').fill(account.email);
	await page.getByLabel('Password').fill(account.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.getByRole('button', { name: `Details of ${license.number}` }).click();
	await expect(page.getByRole('heading', { level: 2, name: `License ${license.number}` })).toBeVisible();
	const serious = async () =>
		(await new AxeBuilder({ page }).analyze()).violations
			.filter((v) => v.impact === 'serious' || v.impact === 'critical')
			.map((v) => `${v.id}: ${v.help}`);
	expect(await serious()).toEqual([]);
	await page.getByRole('button', { name: 'Link to a project…' }).click();
	await expect(page.getByRole('dialog', { name: `Link ${license.number} to a project` })).toBeVisible();
	expect(await serious()).toEqual([]);
});
