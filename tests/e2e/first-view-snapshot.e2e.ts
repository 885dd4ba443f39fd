// The home page's snapshot (src/app.html paints it before the app starts; first-view-snapshot.ts
// keeps it): it shows the stored licenses exactly as the app then draws them, never a list that is
// no longer true (after an activation, a removal, a clear of the site's data), and the app takes
// over without showing anything else in between.
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { createTestAccount, createTestLicense } from './support/admin';
import { activate } from './support/license-manager-page';

const SNAPSHOT_KEY = 'airlock-first-view';
const NO_LICENSE = 'No license is active on this device yet.';

/** What a list on screen says: its rows' text, or the sentence for none. */
async function listText(scope: ReturnType<Page['locator']>): Promise<string[]> {
	const rows = scope.locator('table.licenses tbody tr');
	if ((await rows.count()) > 0) return rows.allInnerTexts();
	return [await scope.getByText(NO_LICENSE).innerText()];
}

/**
 * The home page as its snapshot painted it in a new page, read the moment it was inserted (before
 * the app's scripts run); null if none was painted.
 */
async function paintedSnapshot(context: BrowserContext): Promise<string[] | null> {
	const page = await context.newPage();
	try {
		await page.addInitScript((noLicense) => {
			const seen = window as unknown as {
				painted?: { busy: string | null; heading: string; list: string[] };
			};
			new MutationObserver((_, observer) => {
				const snapshot = document.getElementById('first-view-snapshot');
				if (!snapshot) return;
				observer.disconnect();
				const section = snapshot.querySelector('section[aria-labelledby="active-licenses"]');
				const rows = [...snapshot.querySelectorAll<HTMLElement>('table.licenses tbody tr')];
				const none = [...snapshot.querySelectorAll<HTMLElement>('p')].filter(
					(p) => p.innerText === noLicense
				);
				seen.painted = {
					busy: section?.getAttribute('aria-busy') ?? null,
					heading: snapshot.querySelector('#active-licenses')?.textContent ?? '',
					list: (rows.length > 0 ? rows : none).map((element) => element.innerText)
				};
			}).observe(document, { subtree: true, childList: true });
		}, NO_LICENSE);
		await page.goto('/');
		await expect(page.locator('section[data-licenses-read="true"]')).toBeVisible();
		const painted = await page.evaluate(
			() =>
				(window as unknown as { painted?: { busy: string | null; heading: string; list: string[] } }).painted
		);
		if (!painted) return null;
		// What the bench waits for, on the snapshot: the heading and the list no longer busy.
		expect(painted.heading).toBe('Active Licenses');
		expect(painted.busy).toBe('false');
		return painted.list;
	} finally {
		await page.close();
	}
}

/** Opens the home page and waits until the app has drawn the stored list and kept its snapshot. */
async function openHome(page: Page): Promise<string[]> {
	await page.goto('/');
	const section = page.locator('section[aria-labelledby="active-licenses"][data-licenses-read="true"]');
	await expect(section).toBeVisible();
	await expect.poll(() => page.evaluate((key) => localStorage.getItem(key), SNAPSHOT_KEY)).not.toBeNull();
	await expect(page.locator('#first-view-snapshot')).toHaveCount(0);
	return listText(page.locator('main'));
}

test('the snapshot shows what is stored, and goes when what is stored changes elsewhere', async ({
	context,
	page
}) => {
	const account = createTestAccount();
	const license = createTestLicense(account.email);

	// Nothing stored: the snapshot says so.
	const empty = await openHome(page);
	expect(empty).toEqual(['No license is active on this device yet.']);
	expect(await paintedSnapshot(context)).toEqual(empty);

	// Activated on another page: no home page redrew the snapshot, so there is none.
	await activate(page, account.email, account.password, license.number);
	await expect(page.getByRole('status').filter({ hasText: 'Activated' })).toContainText(license.number, {
		timeout: 30_000
	});
	expect(await page.evaluate((key) => localStorage.getItem(key), SNAPSHOT_KEY)).toBeNull();
	expect(await paintedSnapshot(context)).toBeNull();

	// The home page keeps it again, with the license, exactly as the app draws the list.
	const withLicense = await openHome(page);
	expect(withLicense.join(' ')).toContain(license.number);
	expect(await paintedSnapshot(context)).toEqual(withLicense);

	// Removed here: the snapshot follows.
	page.on('dialog', (dialog) => void dialog.accept());
	await page.getByRole('button', { name: `Details of ${license.number}` }).click();
	await page.getByRole('button', { name: 'Remove from this device' }).click();
	await expect(page.getByText('No license is active on this device yet.')).toBeVisible();
	await expect.poll(() => paintedSnapshot(context)).toEqual(empty);

	// The site's data cleared (as the browser's "Clear site data" does): no snapshot is painted.
	const cdp = await context.newCDPSession(page);
	await cdp.send('Storage.clearDataForOrigin', {
		origin: new URL(page.url()).origin,
		storageTypes: 'all'
	});
	expect(await paintedSnapshot(context)).toBeNull();
});

test('a license activated in another tab: the snapshot never shows the list without it', async ({
	context,
	page
}) => {
	const account = createTestAccount();
	const license = createTestLicense(account.email);
	const empty = await openHome(page);
	expect(await paintedSnapshot(context)).toEqual(empty);
	const other = await context.newPage();
	await activate(other, account.email, account.password, license.number);
	await expect(other.getByRole('status').filter({ hasText: 'Activated' })).toContainText(license.number, {
		timeout: 30_000
	});
	await expect(page.locator(`main tr[data-license="${license.number}"]`)).toBeVisible();
	// Both tabs read the change: the home page here takes the snapshot again, the other tab drops it
	// (it changed the data where it shows no list), in either order. So: the new list, or none.
	const painted = await paintedSnapshot(context);
	if (painted !== null) expect(painted).toEqual(await listText(page.locator('main')));
	await other.close();
	// The home page opened again keeps it with the license.
	const withLicense = await openHome(page);
	expect(withLicense.join(' ')).toContain(license.number);
	expect(await paintedSnapshot(context)).toEqual(withLicense);
});

test('the app takes over from the snapshot without a moment of other content', async ({ page }) => {
	const account = createTestAccount();
	const license = createTestLicense(account.email);
	await activate(page, account.email, account.password, license.number);
	await expect(page.getByRole('status').filter({ hasText: 'Activated' })).toContainText(license.number, {
		timeout: 30_000
	});
	const final = await openHome(page);

	// Every change of the page, recorded as what a user would see of the list at that moment.
	await page.addInitScript(() => {
		const seen: string[] = [];
		(window as unknown as { listsSeen: string[] }).listsSeen = seen;
		const record = () => {
			const visible = [...document.querySelectorAll('table.licenses tbody tr')]
				.filter((element) => element.checkVisibility())
				.map((element) => (element as HTMLElement).innerText);
			const state = JSON.stringify(visible);
			if (seen.at(-1) !== state) seen.push(state);
		};
		new MutationObserver(record).observe(document, {
			subtree: true,
			childList: true,
			attributes: true,
			characterData: true
		});
	});
	await page.reload();
	await expect(page.locator('section[data-licenses-read="true"]')).toBeVisible();
	await expect(page.locator('#first-view-snapshot')).toHaveCount(0);
	expect(await listText(page.locator('main'))).toEqual(final);
	const seen = await page.evaluate(() => (window as unknown as { listsSeen: string[] }).listsSeen);
	// From the first moment with a list (the snapshot's) to the app's own: only ever the same rows,
	// never none in between (the app's empty frame) and never others.
	const states = seen.map((state) => JSON.parse(state) as string[]);
	const first = states.findIndex((rows) => rows.length > 0);
	expect(first).toBeGreaterThanOrEqual(0);
	const fromFirst = states.slice(first);
	expect(fromFirst.every((rows) => rows.join('|') === fromFirst[0]!.join('|'))).toBe(true);
	expect(fromFirst[0]!.join(' ')).toContain(license.number);
});
