// Issue 18 point 3: the round trip of Deferred Activation in at most five actions on the laptop,
// whatever the number of licenses. The laptop is offline with a camera (Chromium's fake camera,
// fed the very picture of the codes the phone shows); the phone is online and carries the request.
// Every click, fill or file pick on the laptop goes through `LaptopActions`, which counts it.
import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import { createTestAccount, createTestLicense, type TestAccount } from './support/admin';
import {
	launchWithFakeCamera,
	qrOnScreen,
	writeImagesVideo,
	writeQrVideo,
	type GreyImage
} from './support/fake-camera';
import { lastRequestQrUrl, offlineLaptop } from './support/offline-laptop';

const MOST_ACTIONS = 5;

/** The laptop page's actions, counted. */
class LaptopActions {
	count = 0;
	readonly log: string[] = [];

	constructor(readonly page: Page) {}

	async click(target: Locator, what: string) {
		this.count++;
		this.log.push(`click ${what}`);
		await target.click();
	}

	async fill(target: Locator, value: string, what: string) {
		this.count++;
		this.log.push(`fill ${what}`);
		await target.fill(value);
	}
}

/**
 * The phone's part (not counted): it opens the laptop's request QR code, signs in, activates, and
 * shows the answer's code(s). Returns each distinct code as it was on the phone's screen, read while
 * the sequence moves on by itself (no click on the phone either).
 */
async function phoneShowsAnswer(browser: Browser, account: TestAccount, qrUrl: string): Promise<GreyImage[]> {
	const context = await browser.newContext({ viewport: { width: 390, height: 800 }, isMobile: true });
	const phone = await context.newPage();
	await phone.goto(qrUrl);
	await phone.getByLabel('User ID (e-mail)').fill(account.email);
	await phone.getByLabel('Password').fill(account.password);
	await phone.getByRole('button', { name: 'Sign in' }).click();
	await phone.getByRole('button', { name: 'Activate' }).click();
	const figure = phone.getByRole('figure', { name: 'QR code of the license files' });
	await expect(figure.locator('svg')).toBeVisible();
	const seen = new Map<string, GreyImage>();
	let parts = 1;
	await expect
		.poll(
			async () => {
				const { caption, image } = await qrOnScreen(figure);
				const part = /^Code (\d+) of (\d+)/.exec(caption);
				parts = part ? Number(part[2]) : 1;
				seen.set(part ? part[1]! : '1', image);
				return seen.size === parts;
			},
			{ timeout: 20_000, intervals: [300] }
		)
		.toBe(true);
	await context.close();
	return [...seen.entries()].sort(([a], [b]) => Number(a) - Number(b)).map(([, image]) => image);
}

async function roundTrip(
	browser: Browser,
	laptop: Page,
	account: TestAccount,
	video: string,
	numbers: string[],
	typed: { numbers: string; email: string } | null
): Promise<{ actions: LaptopActions; codes: number }> {
	const actions = new LaptopActions(laptop);
	await actions.click(
		laptop.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Deferred Activation' }),
		'Deferred Activation'
	);
	if (typed) {
		await actions.fill(laptop.getByLabel('License number(s)'), typed.numbers, 'License number(s)');
		await actions.fill(laptop.getByLabel('E-mail address'), typed.email, 'E-mail address');
	} else {
		// Filled in from the License list copy: every license of the account, none typed.
		await expect
			.poll(async () => (await laptop.getByLabel('License number(s)').inputValue()).split('\n').sort())
			.toEqual([...numbers].sort());
		await expect(laptop.getByLabel('E-mail address')).toHaveValue(account.email);
	}
	// Generate file: reg.txt saved and the request's QR code shown, in one step.
	const [download] = await Promise.all([
		laptop.waitForEvent('download'),
		actions.click(laptop.getByRole('button', { name: 'Generate file' }), 'Generate file')
	]);
	expect(download.suggestedFilename()).toBe('reg.txt');
	await expect(
		laptop.getByRole('figure', { name: 'QR code of the registration request' }).locator('svg')
	).toBeVisible();
	await expect(laptop.getByRole('heading', { name: 'Your request' })).toBeFocused();

	const codes = await phoneShowsAnswer(browser, account, await lastRequestQrUrl(laptop));
	writeImagesVideo(video, codes);

	// One click on the laptop for the whole way back: the camera reads the code(s), stops by itself,
	// and the licenses are activated with no Next.
	await actions.click(laptop.getByRole('button', { name: 'Scan a QR code' }), 'Scan a QR code');
	const activated = laptop.getByRole('status').filter({ hasText: 'Activated on this device' });
	await expect(activated).toBeVisible({ timeout: 30_000 });
	await expect(activated).toBeFocused();
	for (const number of numbers) await expect(activated).toContainText(number);
	await expect(laptop.getByRole('button', { name: 'Stop the camera' })).toHaveCount(0);
	await expect(laptop.getByRole('alert')).toHaveCount(0);
	return { actions, codes: codes.length };
}

async function expectOnDevice(laptop: Page, numbers: string[]) {
	await laptop.getByRole('link', { name: 'Back to the License Manager' }).click();
	for (const number of numbers) await expect(laptop.locator(`tr[data-license="${number}"]`)).toBeVisible();
}

test('two licenses (one with an expansion), typed on a laptop that knows nothing yet: five actions', async ({
	browser
}, testInfo) => {
	const account = createTestAccount('five-actions');
	const server = createTestLicense(account.email, { expansions: ['CLX'] });
	const developer = createTestLicense(account.email, { product: 'DEV' });
	const video = testInfo.outputPath('camera.y4m');
	writeQrVideo(video, 'nothing yet');
	const camera = await launchWithFakeCamera(testInfo, video);
	try {
		const laptop = await offlineLaptop(camera);
		const { actions } = await roundTrip(
			browser,
			laptop,
			account,
			video,
			[server.number, developer.number, server.expansions[0]!.number],
			{ numbers: `${server.number}\n${developer.number}`, email: account.email }
		);
		testInfo.annotations.push({ type: 'laptop actions', description: actions.log.join(', ') });
		expect(actions.count, actions.log.join(', ')).toBeLessThanOrEqual(MOST_ACTIONS);
		await expectOnDevice(laptop, [server.number, developer.number, server.expansions[0]!.number]);
	} finally {
		await camera.close();
	}
});

test('four licenses known from the License list copy: a sequence of codes read without a click, three actions', async ({
	browser
}, testInfo) => {
	const account = createTestAccount('five-actions');
	const licenses = [
		createTestLicense(account.email),
		createTestLicense(account.email, { product: 'DEV' }),
		createTestLicense(account.email),
		createTestLicense(account.email, { product: 'DEV' })
	];
	const video = testInfo.outputPath('camera.y4m');
	writeQrVideo(video, 'nothing yet');
	const camera = await launchWithFakeCamera(testInfo, video);
	try {
		// While online once: signed in to the License list, whose copy stays on the laptop.
		const laptop = await offlineLaptop(camera, async (page) => {
			await page.goto('/licenses');
			await page.getByLabel('User ID (e-mail)').fill(account.email);
			await page.getByLabel('Password').fill(account.password);
			await page.getByRole('button', { name: 'Sign in' }).click();
			await expect(page.getByText(/^Synced /)).toBeVisible();
			await page.goto('/');
		});
		const numbers = licenses.map((license) => license.number);
		const { actions, codes } = await roundTrip(browser, laptop, account, video, numbers, null);
		expect(codes).toBeGreaterThan(1);
		testInfo.annotations.push({ type: 'laptop actions', description: actions.log.join(', ') });
		expect(actions.count, actions.log.join(', ')).toBeLessThanOrEqual(MOST_ACTIONS);
		await expectOnDevice(laptop, numbers);
	} finally {
		await camera.close();
	}
});
