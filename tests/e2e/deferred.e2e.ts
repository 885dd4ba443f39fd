// Deferred Activation across the air gap: the laptop stays offline, the phone carries the request.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { createTestAccount, createTestLicense, type TestAccount } from './support/admin';
import { newTestDevice } from './support/device';
import { launchWithFakeCamera, writeQrVideo } from './support/fake-camera';
import { lastRequestQrUrl, offlineLaptop } from './support/offline-laptop';
import { parseLicenseFile } from '../../src/lib/protocol/license-file';
import { licenseQrText } from '../../src/lib/protocol/qr-payload';

async function portalActivates(
	browser: Browser,
	account: TestAccount,
	open: (phone: Page) => Promise<void>
): Promise<string[]> {
	const phone = await (
		await browser.newContext({ viewport: { width: 390, height: 800 }, isMobile: true })
	).newPage();
	await open(phone);
	await phone.getByLabel('User ID (e-mail)').fill(account.email);
	await phone.getByLabel('Password').fill(account.password);
	await phone.getByRole('button', { name: 'Sign in' }).click();
	await phone.getByRole('button', { name: 'Activate' }).click();
	const links = phone.getByRole('link', { name: /^Download / });
	await expect(links.first()).toBeVisible();
	// Every license file in one code (or a sequence of them), for the laptop's camera.
	await expect(
		phone.getByRole('figure', { name: 'QR code of the license files' }).locator('svg')
	).toBeVisible();
	const paths: string[] = [];
	for (let i = 0; i < (await links.count()); i++) {
		const [download] = await Promise.all([phone.waitForEvent('download'), links.nth(i).click()]);
		const path = test.info().outputPath(download.suggestedFilename());
		await download.saveAs(path);
		paths.push(path);
	}
	await phone.context().close();
	return paths;
}

async function loadOnLaptop(laptop: Page, paths: string[]) {
	const [chooser] = await Promise.all([
		laptop.waitForEvent('filechooser'),
		laptop.getByRole('button', { name: /^(Load…|Add N°)$/ }).click()
	]);
	await chooser.setFiles(paths);
}

test('round trip by file: reg.txt to the portal, license files back, several licenses in one request', async ({
	browser
}) => {
	const account = createTestAccount();
	const server = createTestLicense(account.email, { expansions: ['CLX'] });
	const developer = createTestLicense(account.email, { product: 'DEV' });
	const laptop = await offlineLaptop(browser);

	await laptop
		.getByRole('navigation', { name: 'Main' })
		.getByRole('link', { name: 'Deferred Activation' })
		.click();
	await laptop.getByLabel('License number(s)').fill(`${server.number}\n${developer.number}`);
	await laptop.getByLabel('E-mail address').fill(account.email);
	const [download] = await Promise.all([
		laptop.waitForEvent('download'),
		laptop.getByRole('button', { name: 'Generate file' }).click()
	]);
	expect(download.suggestedFilename()).toBe('reg.txt');
	const regPath = test.info().outputPath('reg.txt');
	await download.saveAs(regPath);
	await expect(
		laptop.getByRole('figure', { name: 'QR code of the registration request' }).locator('svg')
	).toBeVisible();

	const files = await portalActivates(browser, account, async (phone) => {
		await phone.goto('/portal');
		await phone.getByLabel('Choose File… (reg.txt)').setInputFiles(regPath);
		await expect(phone.getByText(server.number)).toBeVisible();
	});
	expect(files).toHaveLength(3);

	await laptop.getByRole('button', { name: 'Next' }).click();
	await loadOnLaptop(laptop, files);
	await expect(laptop.getByRole('listitem').filter({ hasText: server.number }).first()).toBeVisible();
	await laptop.getByRole('button', { name: 'Next' }).click();
	await expect(laptop.getByRole('status').filter({ hasText: 'Activated on this device' })).toContainText(
		developer.number
	);
	await laptop.goto('/');
	for (const number of [server.number, developer.number, server.expansions[0]!.number]) {
		await expect(laptop.locator(`tr[data-license="${number}"]`)).toBeVisible();
	}
});

test('round trip by QR: the phone opens the request from the laptop’s QR code', async ({ browser }) => {
	const account = createTestAccount();
	const license = createTestLicense(account.email);
	const laptop = await offlineLaptop(browser);
	await laptop.goto('/deferred');
	await laptop.getByLabel('License number(s)').fill(license.number);
	await laptop.getByLabel('E-mail address').fill(account.email);
	await Promise.all([
		laptop.waitForEvent('download'),
		laptop.getByRole('button', { name: 'Generate file' }).click()
	]);
	// What the QR code encodes, as the phone's camera would read it.
	const qrUrl = await lastRequestQrUrl(laptop);
	expect(new URL(qrUrl).pathname).toBe('/portal');
	expect(new URL(qrUrl).hash).toMatch(/^#r1=/);
	const files = await portalActivates(browser, account, async (phone) => {
		await phone.goto(qrUrl);
		await expect(phone.getByText(license.number)).toBeVisible();
	});
	await laptop.getByRole('button', { name: 'Next' }).click();
	await loadOnLaptop(laptop, files);
	await laptop.getByRole('button', { name: 'Next' }).click();
	await expect(laptop.getByRole('status').filter({ hasText: 'Activated on this device' })).toContainText(
		license.number
	);
});

test('every load error is its own alert and stores nothing', async ({ browser, request }) => {
	const account = createTestAccount();
	const license = createTestLicense(account.email, { seats: 2 });
	// A license file made for another device.
	const base = test.info().project.use.baseURL!;
	const otherDevice = newTestDevice();
	const login = await request.post(`${base}/api/v1/session`, {
		headers: { origin: base },
		data: { email: account.email, password: account.password }
	});
	expect(login.ok()).toBe(true);
	const answer = await request.post(`${base}/api/v1/activations`, {
		headers: { origin: base },
		data: { request: await otherDevice.regFile(account.email, [license.number]) }
	});
	const foreign = (await answer.json()).licenses[0].file as string;
	const dir = test.info().outputPath('');
	const write = (name: string, text: string) => {
		const path = `${dir}/${name}`;
		writeFileSync(path, text);
		return path;
	};
	const laptop = await offlineLaptop(browser);
	await laptop.goto('/deferred');
	await laptop.getByRole('button', { name: 'Next' }).click();
	const files = [
		write('other-device.license4d', foreign),
		write('tampered.license4d', foreign.replace('Quantity: 1', 'Quantity: 9')),
		write('notes.license4d', 'hello'),
		write('reg.license4d', readFileSync('tests/fixtures/golden/reg.txt', 'utf8'))
	];
	await loadOnLaptop(laptop, files);
	const alerts = laptop.getByRole('alert');
	await expect(alerts).toHaveCount(4);
	await expect(alerts.nth(0)).toContainText('for another device');
	await expect(alerts.nth(1)).toContainText('changed since it was issued');
	await expect(alerts.nth(2)).toContainText('not a license file');
	await expect(alerts.nth(3)).toContainText('registration request');
	await expect(laptop.getByRole('button', { name: 'Next' })).toBeDisabled();
	await laptop.goto('/');
	await expect(laptop.getByText('No license is active on this device yet.')).toBeVisible();
});

test('with the File System Access pickers: Generate file saves through the save picker, Load… opens through the open picker', async ({
	browser
}) => {
	const account = createTestAccount();
	const license = createTestLicense(account.email);
	const context = await browser.newContext();
	// Pickers that behave like the real ones, minus the dialog: what is saved is kept for the test.
	await context.addInitScript(() => {
		const w = window as unknown as Record<string, unknown>;
		w.__saved = [];
		w.__toOpen = [];
		w.showSaveFilePicker = async (options: { suggestedName?: string }) => ({
			kind: 'file',
			name: options?.suggestedName ?? 'file',
			createWritable: async () => {
				const chunks: BlobPart[] = [];
				return new WritableStream({
					write: (chunk: BlobPart) => void chunks.push(chunk),
					close: async () =>
						void (w.__saved as { name: string; text: string }[]).push({
							name: options?.suggestedName ?? '',
							text: await new Blob(chunks).text()
						})
				});
			}
		});
		w.showOpenFilePicker = async () =>
			(w.__toOpen as { name: string; text: string }[]).map((file) => ({
				kind: 'file',
				name: file.name,
				getFile: async () => new File([file.text], file.name)
			}));
	});
	const laptop = await context.newPage();
	await laptop.goto('/deferred');
	await laptop.evaluate(() => navigator.serviceWorker.ready);
	await laptop.getByLabel('License number(s)').fill(license.number);
	await laptop.getByLabel('E-mail address').fill(account.email);
	await laptop.getByRole('button', { name: 'Generate file' }).click();
	await expect
		.poll(() => laptop.evaluate(() => (window as unknown as { __saved: unknown[] }).__saved.length))
		.toBe(1);
	const saved = await laptop.evaluate(
		() => (window as unknown as { __saved: { name: string; text: string }[] }).__saved[0]!
	);
	expect(saved.name).toBe('reg.txt');
	expect(saved.text).toContain(license.number);
	const regPath = test.info().outputPath('reg.txt');
	writeFileSync(regPath, saved.text);

	const files = await portalActivates(browser, account, async (phone) => {
		await phone.goto('/portal');
		await phone.getByLabel('Choose File… (reg.txt)').setInputFiles(regPath);
	});
	await laptop.evaluate(
		(list) => ((window as unknown as { __toOpen: unknown[] }).__toOpen = list),
		files.map((path) => ({ name: path.split('/').pop()!, text: readFileSync(path, 'utf8') }))
	);
	await laptop.getByRole('button', { name: 'Next' }).click();
	await laptop.getByRole('button', { name: 'Load…' }).click();
	await laptop.getByRole('button', { name: 'Next' }).click();
	await expect(laptop.getByRole('status').filter({ hasText: 'Activated on this device' })).toContainText(
		license.number
	);
	await context.close();
});

test('the license comes back by QR code: the laptop’s camera reads it, offline', async ({
	baseURL,
	request
}, testInfo) => {
	const account = createTestAccount();
	const license = createTestLicense(account.email);
	const video = testInfo.outputPath('camera.y4m');
	writeQrVideo(video, 'nothing yet');
	const browser = await launchWithFakeCamera(testInfo, video);
	try {
		const laptop = await offlineLaptop(browser);
		await laptop.goto('/deferred');
		await laptop.getByLabel('License number(s)').fill(license.number);
		await laptop.getByLabel('E-mail address').fill(account.email);
		await Promise.all([
			laptop.waitForEvent('download'),
			laptop.getByRole('button', { name: 'Generate file' }).click()
		]);
		const qrUrl = await lastRequestQrUrl(laptop);
		// The phone's part, through the API: the portal's answer is the license file.
		expect(
			(
				await request.post(`${baseURL}/api/v1/session`, {
					headers: { origin: baseURL! },
					data: { email: account.email, password: account.password }
				})
			).ok()
		).toBe(true);
		const answer = await request.post(`${baseURL}/api/v1/deferred`, {
			headers: { origin: baseURL! },
			data: { request: qrUrl }
		});
		const parsed = parseLicenseFile((await answer.json()).licenses[0].file);
		if (!parsed.ok) throw new Error('the server issued an unreadable file');
		writeQrVideo(video, licenseQrText(parsed.license));

		// From the load step (after Next), as the reference's way with files: the scan needs no Next.
		await laptop.getByRole('button', { name: 'Next' }).click();
		await laptop.getByRole('button', { name: 'Scan a QR code' }).click();
		const activated = laptop.getByRole('status').filter({ hasText: 'Activated on this device' });
		await expect(activated).toContainText(license.number, { timeout: 20_000 });
		await expect(activated).toBeFocused();
		// The camera stops by itself once it has the whole answer.
		await expect(laptop.getByRole('button', { name: 'Stop the camera' })).toHaveCount(0);
		await expect(laptop.getByRole('button', { name: 'Scan a QR code' })).toBeVisible();
		// More license files for this computer: loading another is Add N°, as in the reference.
		await expect(laptop.getByRole('button', { name: 'Add N°' })).toBeVisible();

		// A code that is no license (the request's own) is said in an alert, and stores nothing more.
		writeQrVideo(video, qrUrl);
		await laptop.getByRole('button', { name: 'Scan a QR code' }).click();
		await expect(laptop.getByRole('alert')).toContainText('registration request, not a license', {
			timeout: 20_000
		});
		await expect(laptop.getByRole('button', { name: 'Stop the camera' })).toHaveCount(0);
	} finally {
		await browser.close();
	}
});

test('a phone that goes offline keeps the request and finishes when it is back online', async ({
	browser
}) => {
	const account = createTestAccount();
	const license = createTestLicense(account.email);
	const device = newTestDevice();
	const phoneContext = await browser.newContext({ isMobile: true, viewport: { width: 390, height: 800 } });
	const phone = await phoneContext.newPage();
	await phone.goto(await device.qrUrl(account.email, [license.number]));
	await phone.getByLabel('User ID (e-mail)').fill(account.email);
	await phone.getByLabel('Password').fill(account.password);
	await phone.getByRole('button', { name: 'Sign in' }).click();
	await expect(phone.getByText(`Signed in as ${account.email}`)).toBeVisible();
	await phoneContext.setOffline(true);
	await phone.getByRole('button', { name: 'Activate' }).click();
	await expect(phone.getByRole('status').filter({ hasText: 'offline' })).toBeVisible();
	await phoneContext.setOffline(false);
	await expect(phone.getByRole('link', { name: `Download ${license.number}.license4d` })).toBeVisible({
		timeout: 20_000
	});
	await phoneContext.close();
});

test('an “R” license is flagged before the trip: in the License list, and on Deferred Activation, offline', async ({
	page,
	context
}) => {
	const account = createTestAccount('r-license');
	const rLicense = createTestLicense(account.email, { noDeferred: true });
	const temporary = createTestLicense(account.email, { product: 'DEV', temporaryDays: 30 });
	await page.goto('/licenses');
	await page.getByLabel('User ID (e-mail)').fill(account.email);
	await page.getByLabel('Password').fill(account.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	const rRow = page.locator(`tr[data-license="${rLicense.number}"]`);
	await expect(rRow.getByTitle(/An “R” license/)).toHaveText('R');
	// A temporary license's files run from each activation: the list says so, not "Never".
	await expect(page.locator(`tr[data-license="${temporary.number}"]`)).toContainText(
		'30 days from each activation or Refresh'
	);

	// Offline, the copy kept on the device says it before a request is made.
	await context.setOffline(true);
	await page.goto('/deferred');
	await page.getByLabel('License number(s)').fill(`${temporary.number}\n${rLicense.number}`);
	await page.getByLabel('E-mail address').fill(account.email);
	await expect(page.getByRole('alert')).toContainText(
		`License ${rLicense.number} cannot be activated by Deferred Activation`
	);
	await expect(page.getByRole('button', { name: 'Generate file' })).toBeDisabled();
	await page.getByLabel('License number(s)').fill(temporary.number);
	await expect(page.getByRole('button', { name: 'Generate file' })).toBeEnabled();
});
