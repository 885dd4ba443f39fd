// `npm run screenshots [-- OUT_DIR] [--all]`: the main screens of the License Manager and the
// portal, at a desktop and a phone width, into docs/screenshots/ (the README shows them). With
// --all, every screen at 390 and 1280 px in light and dark (for a look over the whole app).
import { chromium, type Browser, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuild } from './ensure-build.js';
import { CHROMIUM_LAUNCH, startAppServer } from './bench/servers';

const args = process.argv.slice(2);
const all = args.includes('--all');
const out = args.find((arg) => !arg.startsWith('--')) ?? 'docs/screenshots';
const port = Number(process.env.SCREENSHOTS_PORT ?? 4395);
const dataDir = mkdtempSync(join(tmpdir(), 'airlock-screenshots-'));

function admin(command: string[]): unknown {
	const output = execFileSync(process.execPath, ['scripts/admin.js', ...command, '--json'], {
		env: { ...process.env, DATA_DIR: dataDir },
		encoding: 'utf8'
	});
	return JSON.parse(output);
}

type Scheme = 'light' | 'dark';
const shots: { width: number; scheme: Scheme }[] = all
	? [390, 1280].flatMap((width) => (['light', 'dark'] as const).map((scheme) => ({ width, scheme })))
	: [
			{ width: 1280, scheme: 'light' },
			{ width: 390, scheme: 'dark' }
		];

async function signIn(page: Page, email: string, password: string) {
	await page.getByLabel('User ID (e-mail)').fill(email);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Sign in' }).click();
}

async function run(browser: Browser, url: string) {
	const email = 'ada@example.com';
	const password = 'correct horse battery staple';
	admin(['account', 'create', '--email', email, '--password', password]);
	const seats = ['--seats', '20'];
	const server = admin([
		'license',
		'create',
		'--product',
		'SRV',
		'--email',
		email,
		...seats,
		'--expansion',
		'CLX'
	]) as {
		number: string;
	};
	const dev = admin(['license', 'create', '--product', 'DEV', '--email', email, ...seats]) as {
		number: string;
	};
	const temporary = admin([
		'license',
		'create',
		'--product',
		'DEV',
		'--email',
		email,
		...seats,
		'--temporary-days',
		'30'
	]) as {
		number: string;
	};
	mkdirSync(out, { recursive: true });

	for (const { width, scheme } of shots) {
		const context = await browser.newContext({
			baseURL: url,
			viewport: { width, height: width < 600 ? 844 : 900 },
			colorScheme: scheme,
			acceptDownloads: true
		});
		// Saving goes through a download, as in browsers without the File System Access API.
		await context.addInitScript(() => {
			delete (window as { showSaveFilePicker?: unknown }).showSaveFilePicker;
			delete (window as { showOpenFilePicker?: unknown }).showOpenFilePicker;
		});
		const page = await context.newPage();
		const shot = async (name: string) => {
			await page.waitForTimeout(300);
			await page.screenshot({ path: join(out, `${name}-${width}-${scheme}.png`), fullPage: true });
		};
		await page.goto('/');
		await page.getByRole('heading', { name: 'Active Licenses' }).waitFor();
		if (all) await shot('home-empty');
		for (const number of [server.number, dev.number, temporary.number]) {
			await page.goto('/instant');
			await page.getByLabel('User ID (e-mail)').fill(email);
			await page.getByLabel('Password').fill(password);
			await page.getByLabel('License number').fill(number);
			await page.getByRole('button', { name: 'Activate' }).click();
			await page.getByRole('status').filter({ hasText: 'Activated' }).waitFor();
		}
		if (all) await shot('instant');
		await page.goto('/');
		await page.locator(`tr[data-license="${server.number}"]`).waitFor();
		await shot('home');
		await page.getByRole('button', { name: `Details of ${server.number}` }).click();
		await page.getByRole('button', { name: 'Show emergency code' }).click();
		await page.getByTestId('emergency-code-sheet').waitFor();
		await page.screenshot({ path: join(out, `details-${width}-${scheme}.png`) });
		await page.keyboard.press('Escape');

		await page.goto('/deferred');
		await page.getByLabel('License number(s)').fill(dev.number);
		await page.getByLabel('E-mail address').fill(email);
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('button', { name: 'Generate file' }).click()
		]);
		const regPath = join(dataDir, `reg-${width}-${scheme}.txt`);
		await download.saveAs(regPath);
		await shot('deferred');
		if (all) {
			await page.getByRole('button', { name: 'Next' }).first().click();
			await shot('deferred-load');
			await page.goto('/emergency');
			await shot('emergency');
			await page.goto('/troubleshooting');
			await page.locator('[data-check="server"]').waitFor();
			await shot('troubleshooting');
			await page.goto('/projects');
			await shot('projects');
			await page.goto('/account');
			await shot('account');
		}
		await page.goto('/licenses');
		// Instant Activation signed this browser in; a sign-in is asked only if it was not.
		const details = page.getByRole('button', { name: `Details of ${server.number}` });
		await details.or(page.getByLabel('User ID (e-mail)')).first().waitFor();
		if (!(await details.isVisible())) await signIn(page, email, password);
		await page.getByRole('button', { name: `Details of ${server.number}` }).waitFor();
		await shot('license-list');
		// A license's details: a sheet over the list (the viewport, as the user sees it).
		await page.getByRole('button', { name: `Details of ${server.number}` }).click();
		const sheet = page.getByRole('dialog', { name: `License ${server.number}` });
		// Its emergency code was fetched in the home page's details: the device keeps it.
		await sheet.getByTestId('emergency-code-sheet').waitFor();
		await page.waitForTimeout(300);
		await page.screenshot({ path: join(out, `license-list-details-${width}-${scheme}.png`) });
		await page.keyboard.press('Escape');

		// The portal, as the phone that took the request opens it.
		const portal = await context.newPage();
		await portal.goto('/portal');
		await portal.getByLabel(/reg\.txt/).setInputFiles(regPath);
		if (all) await shotOf(portal, 'portal', width, scheme);
		const activate = portal.getByRole('button', { name: 'Activate' });
		await activate.or(portal.getByLabel('User ID (e-mail)')).first().waitFor();
		if (!(await activate.isVisible())) await signIn(portal, email, password);
		await portal.getByRole('button', { name: 'Activate' }).click();
		await portal
			.getByRole('link', { name: /^Download / })
			.first()
			.waitFor();
		await shotOf(portal, 'portal-result', width, scheme);
		await context.close();
	}
}

async function shotOf(page: Page, name: string, width: number, scheme: Scheme) {
	await page.waitForTimeout(300);
	await page.screenshot({ path: join(out, `${name}-${width}-${scheme}.png`), fullPage: true });
}

ensureBuild();
const app = await startAppServer(port, { DATA_DIR: dataDir, SEED_DEMO: 'false' });
const browser = await chromium.launch(CHROMIUM_LAUNCH);
try {
	await run(browser, app.url);
	writeFileSync(join(dataDir, 'done'), '');
	console.log(`Screenshots written to ${out}/`);
} finally {
	await browser.close();
	await app.stop();
	rmSync(dataDir, { recursive: true, force: true });
}
