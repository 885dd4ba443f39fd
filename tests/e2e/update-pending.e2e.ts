// Deploying version N+1 under a License Manager with work queued: ten activations queued offline
// in a tab of version N survive the update (the page reloads into N+1 with its IndexedDB intact)
// and are then sent and applied exactly once each.
import { chromium, expect, test } from '@playwright/test';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminOn, nextVersionOfBuild, startOwnServer } from './support/own-server';
import { recordingProxy } from './support/recording-proxy';
import { activate } from './support/license-manager-page';

/** update.e2e.ts uses +23, reliability.e2e.ts +21, cookies-https.e2e.ts +22. */
const PORT = Number(process.env.E2E_PORT ?? 4173) + 24;
/** The server itself, behind the recording proxy the browser talks to. */
const SERVER_PORT = PORT + 1;
const QUEUED = 10;

// eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a test uses from this pattern
test('ten operations queued in version N are sent exactly once after N+1 is deployed', async ({}, testInfo) => {
	test.setTimeout(180_000);
	const dataDir = mkdtempSync(join(tmpdir(), 'airlock-update-pending-'));
	const email = `pending-${Date.now()}@example.com`;
	const password = `pw-${crypto.randomUUID()}`;
	adminOn(dataDir, ['account', 'create', '--email', email, '--password', password]);
	const licenses = Array.from(
		{ length: QUEUED + 1 },
		(_, i) =>
			adminOn(dataDir, ['license', 'create', '--product', i % 2 ? 'DEV' : 'SRV', '--email', email]) as {
				number: string;
			}
	).map((license) => license.number);
	const next = nextVersionOfBuild();
	const proxy = await recordingProxy(PORT, SERVER_PORT);
	let server = await startOwnServer({ port: SERVER_PORT, dataDir, origin: proxy.url });
	const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'airlock-profile-')), {
		...testInfo.project.use.launchOptions,
		baseURL: proxy.url
	});
	try {
		const page = await context.newPage();
		await page.goto('/');
		await page.evaluate(() => navigator.serviceWorker.ready);
		await expect(page.getByText('Ready to work offline')).toBeVisible();
		// Signed in by a first, online activation; the rest is queued offline.
		await activate(page, email, password, licenses[0]!);
		await expect(page.getByRole('status').filter({ hasText: 'Activated' })).toBeVisible();
		await context.setOffline(true);
		for (const number of licenses.slice(1)) {
			await activate(page, email, password, number);
			await expect(page.getByRole('alert')).toContainText('queued');
		}
		await expect(page.getByText(`${QUEUED} operations waiting for the server`)).toBeVisible();

		// Version N+1 is deployed. The queue must go out from N+1, so sync stays blocked until then.
		// Held at the proxy, for the page and its service worker's Background Sync alike.
		proxy.holdSync(true);
		await server.stop();
		server = await startOwnServer({ buildDir: next.dir, port: SERVER_PORT, dataDir, origin: proxy.url });
		const sentBefore = proxy.syncBodies.length;
		await context.setOffline(false);
		await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
		await expect(page.getByText('A new version is available')).toBeVisible({ timeout: 20_000 });
		// Listening before the click: the reload can finish before a listener added after it.
		await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Reload' }).click()]);
		await expect(page.getByText('A new version is available')).toHaveCount(0);
		// The queue came through the update untouched.
		await expect(page.getByText(`${QUEUED} operations waiting for the server`)).toBeVisible();

		proxy.holdSync(false);
		// No reload from here on: a navigation could cut a send short after the server got it, and the
		// queue would rightly go again. The connection comes back (the browser's online event): the app
		// sends its whole queue at once, whatever the back-off of the refused attempts said.
		await page.getByRole('link', { name: 'License Manager' }).click();
		await context.setOffline(true);
		await context.setOffline(false);
		for (const number of licenses)
			await expect(page.locator(`tr[data-license="${number}"]`)).toBeVisible({ timeout: 30_000 });
		await expect(page.getByText('Nothing waiting for the server')).toBeVisible();

		// Sent once: each queued activation reached the server in one request, from the page or from
		// the service worker (they never flush at the same time)…
		const syncBodies = proxy.syncBodies.slice(sentBefore);
		for (const number of licenses.slice(1))
			expect(
				syncBodies.filter((body) => body.includes(number)),
				number
			).toHaveLength(1);
		// …and applied once: one seat each, on this device.
		const db = new Database(join(dataDir, 'airlock.sqlite'), { readonly: true });
		try {
			const rows = db
				.prepare('select license_number, count(*) as seats from activations group by license_number')
				.all() as { license_number: string; seats: number }[];
			expect(rows.map((row) => row.license_number).sort()).toEqual([...licenses].sort());
			expect(rows.every((row) => row.seats === 1)).toBe(true);
		} finally {
			db.close();
		}
	} finally {
		await context.close();
		await server.stop();
		await proxy.close();
		next.remove();
		rmSync(dataDir, { recursive: true, force: true });
	}
});
