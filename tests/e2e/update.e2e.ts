// Deploying a new version under an open License Manager: it is offered, never forced.
import { chromium, expect, test } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nextVersionOfBuild, startOwnServer } from './support/own-server';

const PORT = Number(process.env.E2E_PORT ?? 4173) + 23;

// eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a test uses from this pattern
test('a new version is offered with a prompt, and Reload switches to it', async ({}, testInfo) => {
	test.setTimeout(120_000);
	const dataDir = mkdtempSync(join(tmpdir(), 'airlock-update-'));
	const next = nextVersionOfBuild();
	let server = await startOwnServer({ port: PORT, dataDir });
	const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'airlock-profile-')), {
		...testInfo.project.use.launchOptions,
		baseURL: server.url
	});
	try {
		const page = await context.newPage();
		await page.goto('/');
		await page.evaluate(() => navigator.serviceWorker.ready);
		await expect(page.getByText('Ready to work offline')).toBeVisible();
		await expect(page.getByText('A new version is available')).toHaveCount(0);

		await server.stop();
		server = await startOwnServer({ buildDir: next.dir, port: PORT, dataDir });
		await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
		await expect(page.getByText('A new version is available')).toBeVisible({ timeout: 20_000 });
		// Not forced: the page still runs the old version until the user says so.
		const before = await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL);
		// Listening before the click: the reload can finish before a listener added after it.
		await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Reload' }).click()]);
		await expect(page.getByText('A new version is available')).toHaveCount(0);
		const waiting = await page.evaluate(
			async () => (await navigator.serviceWorker.getRegistration())?.waiting
		);
		expect(waiting).toBeFalsy();
		expect(before).toBeTruthy();
	} finally {
		await context.close();
		await server.stop();
		next.remove();
	}
});
