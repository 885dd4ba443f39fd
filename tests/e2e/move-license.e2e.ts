// Moving a license to a new computer across the air gap, in one visit to the portal: laptop A gives
// the license up offline (a signed deactivation statement), laptop B (offline) asks for it with
// reg.txt, and the phone brings both to the portal — with no seat free until A's is freed.
import { expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createTestAccount, createTestLicense, type TestAccount } from './support/admin';
import { apiClient, baseURL } from './support/api-client';
import { launchWithFakeCamera, qrOnScreen, writeImagesVideo, writeQrVideo } from './support/fake-camera';
import { activate, waitForOfflineReady } from './support/license-manager-page';
import { offlineLaptop } from './support/offline-laptop';
import { createDeactivationStatement, deactivationQrUrl } from '../../src/lib/protocol/deactivation';
import { signerFromKeyPair } from '../../src/lib/protocol/ed25519';
import { generateKeyPair } from '../../src/lib/protocol/ed25519-tweetnacl';
import { parseLicenseFile } from '../../src/lib/protocol/license-file';
import { createRegistrationRequest, formatRegFile } from '../../src/lib/protocol/reg-file';

/** A laptop whose browser has no File System Access pickers (files come and go as downloads). */
async function laptop(browser: Browser): Promise<Page> {
	const context = await browser.newContext();
	await context.addInitScript(() => {
		delete (window as { showSaveFilePicker?: unknown }).showSaveFilePicker;
		delete (window as { showOpenFilePicker?: unknown }).showOpenFilePicker;
	});
	const page = await context.newPage();
	await waitForOfflineReady(page);
	return page;
}

/** The vendor keys are stored: the laptop can verify license files with no connection. */
async function keysStored(page: Page): Promise<void> {
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
}

async function seatsOf(
	phone: Page,
	number: string,
	api: Pick<APIRequestContext, 'get'> = phone.request
): Promise<{ seatsUsed: number; devices: string[] }> {
	const answer = await api.get('/api/v1/store/licenses');
	expect(answer.ok()).toBe(true);
	const { licenses } = (await answer.json()) as {
		licenses: { number: string; seatsUsed: number; devices: { deviceId: string }[] }[];
	};
	const license = licenses.find((entry) => entry.number === number)!;
	return { seatsUsed: license.seatsUsed, devices: license.devices.map((device) => device.deviceId) };
}

async function signIn(phone: Page, account: TestAccount) {
	await phone.getByLabel('User ID (e-mail)').fill(account.email);
	await phone.getByLabel('Password').fill(account.password);
	await phone.getByRole('button', { name: 'Sign in' }).click();
	await expect(phone.getByText(`Signed in as ${account.email}.`)).toBeVisible({ timeout: 30_000 });
}

test('a license moves from laptop A to laptop B in one portal visit, with no seat free until A’s is freed', async ({
	browser
}) => {
	// Three browsers, two activations (argon2 sign-ins) and signatures: long on a busy 2-core machine.
	test.setTimeout(360_000);
	const account = createTestAccount();
	const license = createTestLicense(account.email, { seats: 1 });

	// Laptop A holds the license's only seat, then goes offline for good.
	const laptopA = await laptop(browser);
	await activate(laptopA, account.email, account.password, license.number);
	// An activation signs in (argon2) and signs: on a busy machine that takes longer than 5 s.
	await expect(laptopA.getByRole('status').filter({ hasText: 'Activated' })).toContainText(license.number, {
		timeout: 30_000
	});
	await laptopA.context().setOffline(true);

	// A gives the license up: it stops at once, and the statement is shown and saved.
	await laptopA.goto('/');
	await laptopA.getByRole('button', { name: `Details of ${license.number}` }).click();
	laptopA.once('dialog', (dialog) => void dialog.accept());
	await laptopA.getByRole('button', { name: 'Deactivate…' }).click();
	await expect(
		laptopA.getByRole('status').filter({ hasText: 'Deactivated, not yet reported' })
	).toBeVisible();
	await expect(
		laptopA.getByRole('figure', { name: 'QR code of the deactivation statement' }).locator('svg')
	).toBeVisible();
	const [saved] = await Promise.all([
		laptopA.waitForEvent('download'),
		laptopA.getByRole('button', { name: 'Save deactivation.txt' }).click()
	]);
	expect(saved.suggestedFilename()).toBe('deactivation.txt');
	const statementPath = test.info().outputPath('deactivation.txt');
	await saved.saveAs(statementPath);
	const deviceA = /Device-Id: (\S+)/.exec(readFileSync(statementPath, 'utf8'))![1]!;

	// Laptop B, offline, asks for the license.
	const laptopB = await laptop(browser);
	await keysStored(laptopB);
	await laptopB.context().setOffline(true);
	await laptopB.goto('/deferred');
	await laptopB.getByLabel('License number(s)').fill(license.number);
	await laptopB.getByLabel('E-mail address').fill(account.email);
	const [request] = await Promise.all([
		laptopB.waitForEvent('download'),
		laptopB.getByRole('button', { name: 'Generate file' }).click()
	]);
	const regPath = test.info().outputPath('reg.txt');
	await request.saveAs(regPath);
	const deviceB = /Device: (\S+)/.exec(readFileSync(regPath, 'utf8'))![1]!;

	// The phone: one visit, the request loaded first and the statement second (either order works).
	const phone = await (
		await browser.newContext({ viewport: { width: 390, height: 800 }, isMobile: true })
	).newPage();
	await phone.goto('/portal');
	await signIn(phone, account);
	expect(await seatsOf(phone, license.number)).toEqual({ seatsUsed: 1, devices: [deviceA] });
	await phone.getByLabel('Choose File… (reg.txt)').setInputFiles(regPath);
	await expect(phone.getByText(deviceB)).toBeVisible();
	await phone.getByLabel('Choose File… (deactivation.txt)').setInputFiles(statementPath);
	await expect(phone.getByText(`License ${license.number}, given up by device ${deviceA}.`)).toBeVisible();
	await phone.getByRole('button', { name: 'Activate' }).click();
	await expect(phone.getByRole('status').filter({ hasText: `device ${deviceA} is free` })).toBeVisible({
		timeout: 30_000
	});
	const link = phone.getByRole('link', { name: /^Download / });
	await expect(link).toHaveCount(1, { timeout: 30_000 });
	const [download] = await Promise.all([phone.waitForEvent('download'), link.click()]);
	const licensePath = test.info().outputPath(download.suggestedFilename());
	await download.saveAs(licensePath);
	// The seat moved: still one in use, now B's.
	expect(await seatsOf(phone, license.number)).toEqual({ seatsUsed: 1, devices: [deviceB] });
	await phone.context().close();

	// B loads its license file, offline.
	await laptopB.getByRole('button', { name: 'Next' }).click();
	const [chooser] = await Promise.all([
		laptopB.waitForEvent('filechooser'),
		laptopB.getByRole('button', { name: /^(Load…|Add N°)$/ }).click()
	]);
	await chooser.setFiles([licensePath]);
	await laptopB.getByRole('button', { name: 'Next' }).click();
	await expect(laptopB.getByRole('status').filter({ hasText: 'Activated on this device' })).toContainText(
		license.number
	);
	await laptopB.goto('/');
	await expect(laptopB.locator(`tr[data-license="${license.number}"]`)).toHaveClass(/current/);

	// A refuses the license: deactivated, not yet reported (A never went online again).
	await laptopA.goto('/');
	const rowA = laptopA.locator(`tr[data-license="${license.number}"]`);
	await expect(rowA.locator('[data-deactivated]')).toHaveText('Deactivated, not yet reported');
	await expect(rowA).not.toHaveClass(/current/);
});

test('by QR codes only: the phone’s camera reads A’s statement and B’s request, B’s camera reads its license back', async ({
	browser
}, testInfo) => {
	test.setTimeout(360_000);
	const account = createTestAccount();
	const license = createTestLicense(account.email, { seats: 1 });
	const phoneVideo = testInfo.outputPath('phone-camera.y4m');
	const laptopVideo = testInfo.outputPath('laptop-camera.y4m');
	writeQrVideo(phoneVideo, 'nothing yet');
	writeQrVideo(laptopVideo, 'nothing yet');
	const phoneCamera = await launchWithFakeCamera(testInfo, phoneVideo);
	const laptopCamera = await launchWithFakeCamera(testInfo, laptopVideo);
	try {
		// Laptop A holds the only seat, goes offline and gives the license up: its statement on screen.
		const laptopA = await laptop(browser);
		await activate(laptopA, account.email, account.password, license.number);
		await expect(laptopA.getByRole('status').filter({ hasText: 'Activated' })).toContainText(license.number, {
			timeout: 30_000
		});
		await laptopA.context().setOffline(true);
		await laptopA.goto('/');
		await laptopA.getByRole('button', { name: `Details of ${license.number}` }).click();
		laptopA.once('dialog', (dialog) => void dialog.accept());
		await laptopA.getByRole('button', { name: 'Deactivate…' }).click();
		const statementFigure = laptopA.getByRole('figure', { name: 'QR code of the deactivation statement' });
		await expect(statementFigure.locator('svg')).toBeVisible();
		const statement = await qrOnScreen(statementFigure);

		// Laptop B, offline, with a camera: its request on screen.
		const laptopB = await offlineLaptop(laptopCamera);
		await laptopB.goto('/deferred');
		await laptopB.getByLabel('License number(s)').fill(license.number);
		await laptopB.getByLabel('E-mail address').fill(account.email);
		await Promise.all([
			laptopB.waitForEvent('download'),
			laptopB.getByRole('button', { name: 'Generate file' }).click()
		]);
		const requestFigure = laptopB.getByRole('figure', { name: 'QR code of the registration request' });
		await expect(requestFigure.locator('svg')).toBeVisible();
		const request = await qrOnScreen(requestFigure);

		// The phone: one visit, both codes read by its camera, the statement first — here through the
		// request's scan button, which hands a statement to its own section.
		const phoneContext = await phoneCamera.newContext({
			viewport: { width: 390, height: 800 },
			isMobile: true
		});
		const phone = await phoneContext.newPage();
		await phone.goto('/portal');
		await signIn(phone, account);
		expect((await seatsOf(phone, license.number)).seatsUsed).toBe(1);
		writeImagesVideo(phoneVideo, [statement.image]);
		await phone.getByRole('button', { name: 'Scan the request QR code' }).click();
		await expect(phone.getByText(new RegExp(`License ${license.number}, given up by device `))).toBeVisible({
			timeout: 30_000
		});
		writeImagesVideo(phoneVideo, [request.image]);
		await phone.getByRole('button', { name: 'Scan the request QR code' }).click();
		await expect(phone.getByText(license.number).first()).toBeVisible();
		await phone.getByRole('button', { name: 'Activate' }).click();
		const answerFigure = phone.getByRole('figure', { name: 'QR code of the license files' });
		await expect(answerFigure.locator('svg')).toBeVisible({ timeout: 30_000 });
		const answer = await qrOnScreen(answerFigure);
		const seats = await seatsOf(phone, license.number);
		expect(seats.seatsUsed).toBe(1);
		await phoneContext.close();

		// B's camera reads the license back: stored with no Next, the camera stopped.
		writeImagesVideo(laptopVideo, [answer.image]);
		await laptopB.getByRole('button', { name: 'Scan a QR code' }).click();
		const activated = laptopB.getByRole('status').filter({ hasText: 'Activated on this device' });
		await expect(activated).toContainText(license.number, { timeout: 30_000 });
		await laptopB.goto('/');
		await expect(laptopB.locator(`tr[data-license="${license.number}"]`)).toHaveClass(/current/);
		// The one seat in use is B's.
		expect(seats.devices).toHaveLength(1);
		expect(await laptopB.getByText(/^This device: /).textContent()).toContain(seats.devices[0]);

		// A refuses the license.
		await laptopA.goto('/');
		const rowA = laptopA.locator(`tr[data-license="${license.number}"]`);
		await expect(rowA.locator('[data-deactivated]')).toHaveText('Deactivated, not yet reported');
		await expect(rowA).not.toHaveClass(/current/);
	} finally {
		await phoneCamera.close();
		await laptopCamera.close();
	}
});

test('the portal opened from a deactivation QR code frees the seat once; the same statement again is refused', async ({
	browser
}) => {
	const account = createTestAccount();
	const license = createTestLicense(account.email, { seats: 1 });
	// A device that holds the seat (its requests signed here, sent over the API).
	const keyPair = generateKeyPair();
	const signer = signerFromKeyPair(keyPair);
	const api = await apiClient(account);
	const request = await createRegistrationRequest({
		purpose: 'activate',
		licenseNumbers: [license.number],
		email: account.email,
		signer,
		now: Date.now()
	});
	const activated = await api.post('/api/v1/activations', {
		data: { request: formatRegFile(request, `${baseURL}/portal`) }
	});
	expect(activated.status()).toBe(200);
	const { licenses } = (await activated.json()) as { licenses: { file: string }[] };
	const file = parseLicenseFile(licenses[0]!.file);
	if (!file.ok) throw new Error('unreadable license file');
	const statement = await createDeactivationStatement({
		licenseNumber: license.number,
		licenseIssuedAt: file.license.issuedAt,
		signer,
		now: Date.now()
	});
	const url = deactivationQrUrl(statement, `${baseURL}/portal`);

	// What the phone's camera app opens: the portal with the statement in the link. No sign-in needed.
	const phone = await (
		await browser.newContext({ viewport: { width: 390, height: 800 }, isMobile: true })
	).newPage();
	await phone.goto(url);
	await expect(
		phone.getByText(`License ${license.number}, given up by device ${statement.deviceId}.`)
	).toBeVisible();
	await phone.getByRole('button', { name: 'Free the seat' }).click();
	await expect(
		phone.getByRole('status').filter({ hasText: `device ${statement.deviceId} is free` })
	).toBeVisible({ timeout: 30_000 });
	expect(await seatsOf(phone, license.number, api)).toEqual({ seatsUsed: 0, devices: [] });

	// The same statement again (a replay): refused, with what happened, and nothing changes.
	const again = await phone.context().newPage();
	await again.goto(url);
	await again.getByRole('button', { name: 'Free the seat' }).click();
	await expect(again.getByRole('alert')).toContainText('already received', { timeout: 30_000 });
	expect(await seatsOf(phone, license.number, api)).toEqual({ seatsUsed: 0, devices: [] });
	await api.dispose();
});
