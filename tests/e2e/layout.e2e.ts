// Every page and the main steps of its flows, at 320, 390 and 1280 px, light and dark: nothing
// wider than the screen, no serious or critical axe violation, and every control big enough to hit
// (24 px, WCAG 2.5.8; 44 px on the portal, which is used on a phone).
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { createTestAccount, createTestLicense } from './support/admin';

const WIDTHS = [320, 390, 1280] as const;
const SCHEMES = ['light', 'dark'] as const;
/**
 * axe at the phone and the desktop width: 320 px is the phone layout again (same rules, same
 * colours), where only what depends on the width itself is measured — overflow and target sizes.
 */
const AXE_WIDTHS: readonly number[] = [390, 1280];

// Six long walks through the app: the two workers share them.
test.describe.configure({ mode: 'parallel' });

interface Problem {
	where: string;
	what: string;
}

/** What is wrong with the page as it is now: overflow, axe violations, small targets. */
async function inspect(page: Page, where: string, minTarget: number, axe: boolean): Promise<Problem[]> {
	await page.waitForTimeout(150); // let transitions (Pico's) settle before measuring
	const problems: Problem[] = [];
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	if (overflow > 0) problems.push({ where, what: `the page is ${overflow} px wider than the screen` });
	const violations = axe ? (await new AxeBuilder({ page }).analyze()).violations : [];
	for (const violation of violations)
		if (violation.impact === 'serious' || violation.impact === 'critical')
			problems.push({
				where,
				what: `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`
			});
	const small = await page.evaluate((min) => {
		const controls = document.querySelectorAll<HTMLElement>(
			'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]'
		);
		const found: string[] = [];
		for (const control of controls) {
			const rect = control.getBoundingClientRect();
			if (rect.width === 0 || rect.height === 0 || rect.right < 0) continue; // not shown
			// A link inside a sentence is exempt (WCAG 2.5.8 "inline").
			if (control.tagName === 'A' && getComputedStyle(control).display === 'inline') continue;
			if (control.closest('[inert], dialog:not([open])')) continue;
			if (rect.height < min - 0.5 || rect.width < min - 0.5)
				found.push(
					`${control.tagName.toLowerCase()} “${(control.textContent ?? control.getAttribute('aria-label') ?? '').trim().slice(0, 40)}” is ${Math.round(rect.width)}×${Math.round(rect.height)}`
				);
		}
		return found;
	}, minTarget);
	for (const what of small) problems.push({ where, what: `target too small: ${what}` });
	return problems;
}

for (const width of WIDTHS) {
	for (const scheme of SCHEMES) {
		test(`every page fits, passes axe and has big enough targets at ${width} px, ${scheme}`, async ({
			browser
		}) => {
			test.setTimeout(360_000);
			const account = createTestAccount('layout');
			const license = createTestLicense(account.email, { seats: 5, expansions: ['CLX'] });
			const other = createTestLicense(account.email, { product: 'DEV', seats: 5 });
			const context = await browser.newContext({
				viewport: { width, height: width < 600 ? 800 : 900 },
				colorScheme: scheme,
				isMobile: width < 600
			});
			// Saving goes through a download (no File System Access dialog to stop at).
			await context.addInitScript(() => {
				delete (window as { showSaveFilePicker?: unknown }).showSaveFilePicker;
				delete (window as { showOpenFilePicker?: unknown }).showOpenFilePicker;
			});
			const page = await context.newPage();
			const problems: Problem[] = [];
			const check = async (where: string, target = 24) =>
				problems.push(
					...(await inspect(page, `${where} (${width} px, ${scheme})`, target, AXE_WIDTHS.includes(width)))
				);
			const h1 = () => expect(page.getByRole('heading', { level: 1 })).toBeVisible();

			// The portal before anything: a phone that opened it, signed out.
			await page.goto('/portal');
			await h1();
			await check('portal', 44);

			await page.goto('/');
			await expect(page.getByText('No license is active on this device yet.')).toBeVisible();
			await check('home, no license');
			if (width < 600) {
				await page.getByRole('button', { name: 'Menu' }).click();
				await check('home, menu open');
				await page.getByRole('button', { name: 'Menu' }).click();
			}

			await page.goto('/instant');
			await h1();
			await page.getByLabel('License number').fill('SRV-1234');
			await check('Instant Activation, a wrong license number');
			for (const number of [license.number, other.number]) {
				await page.getByLabel('User ID (e-mail)').fill(account.email);
				await page.getByLabel('Password').fill(account.password);
				await page.getByLabel('License number').fill(number);
				await page.getByRole('button', { name: 'Activate' }).click();
				await expect(page.getByRole('status').filter({ hasText: 'Activated' })).toContainText(number);
			}
			await check('Instant Activation, done');

			await page.goto('/');
			await expect(page.locator(`tr[data-license="${license.number}"]`)).toBeVisible();
			await check('home, Active Licenses');
			await page.getByRole('button', { name: `Details of ${license.number}` }).click();
			const sheet = page.getByRole('dialog');
			await sheet.getByRole('button', { name: 'Show emergency code' }).click();
			await expect(sheet.getByTestId('emergency-code-sheet')).toBeVisible();
			await sheet.getByText('Show the license file').click();
			await check('home, license details');
			await page.keyboard.press('Escape');

			await page.goto('/deferred');
			await h1();
			await check('Deferred Activation');
			await page.getByLabel('License number(s)').fill(other.number);
			await page.getByLabel('E-mail address').fill(account.email);
			const [download] = await Promise.all([
				page.waitForEvent('download'),
				page.getByRole('button', { name: 'Generate file' }).click()
			]);
			const regPath = test.info().outputPath(`reg-${width}-${scheme}.txt`);
			await download.saveAs(regPath);
			await expect(page.getByRole('figure', { name: 'QR code of the registration request' })).toBeVisible();
			await check('Deferred Activation, the request');
			await page.getByRole('button', { name: 'Next' }).click();
			await check('Deferred Activation, loading the files');

			await page.goto('/emergency');
			await h1();
			await check('Emergency Activation');

			await page.goto('/licenses');
			await page.getByRole('button', { name: `Details of ${license.number}` }).click();
			await expect(page.locator(`[data-details="${license.number}"]`)).toBeVisible();
			await check('License list, a license selected');
			await page.getByRole('button', { name: 'Link to a project…' }).click();
			await expect(page.getByRole('dialog', { name: `Link ${license.number} to a project` })).toBeVisible();
			await check('License list, the Link dialog');
			await page.keyboard.press('Escape');

			await page.goto('/projects');
			await h1();
			await check('Projects');
			await page.goto('/account');
			await h1();
			await check('Account');
			await page.goto('/troubleshooting');
			// The checks run on opening; some wait for the network (a slow machine takes seconds).
			await expect(page.locator('[data-check="server"]')).toBeVisible({ timeout: 30_000 });
			await check('Troubleshooting');

			// The portal on the phone that took the request: loaded, then its result.
			await page.goto('/portal');
			await page.getByLabel('Choose File… (reg.txt)').setInputFiles(regPath);
			await expect(page.getByText(other.number)).toBeVisible();
			// The controls for loading a request are gone once one is loaded.
			await expect(page.getByLabel('Choose File… (reg.txt)')).toHaveCount(0);
			await check('portal, a request loaded', 44);
			await page.getByRole('button', { name: 'Activate' }).click();
			await expect(page.getByRole('link', { name: /^Download / }).first()).toBeVisible();
			await check('portal, the license files', 44);

			await context.close();
			expect(problems.map((problem) => `${problem.where}: ${problem.what}`)).toEqual([]);
		});
	}
}
