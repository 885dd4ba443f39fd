import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';

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
