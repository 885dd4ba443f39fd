// The License Manager in Chromium: offline cold start of the home page against a static page served
// by the same service worker, and the JavaScript the first view loads (gzip bytes).
import { chromium, type Locator, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ensureBuild } from '../ensure-build.js';
import { formatNumber, type Row } from './measure';
import { BENCH_PORTS, CHROMIUM_LAUNCH, startAppServer } from './servers';

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)]!;
}

export async function pwaBenchmarks(options: { quick?: boolean } = {}): Promise<Row[]> {
	const RUNS = options.quick ? 5 : 9;
	ensureBuild();
	const dataDir = mkdtempSync(join(tmpdir(), 'airlock-bench-pwa-'));
	const profile = mkdtempSync(join(tmpdir(), 'airlock-bench-profile-'));
	const server = await startAppServer(BENCH_PORTS.pwa, { DATA_DIR: dataDir, SEED_DEMO: 'false' });
	const context = await chromium.launchPersistentContext(profile, {
		...CHROMIUM_LAUNCH,
		baseURL: server.url
	});
	try {
		// First view, online and uncached: every script requested before the first view is painted
		// (the list read from the device, on screen), gzip-compressed as served; and apart, what the
		// app loads after it (Dexie, the core: loaded once the list shows, app-state.svelte.ts).
		const page = await context.newPage();
		const scripts = new Map<string, Buffer>();
		page.on('response', async (response) => {
			if (response.request().resourceType() === 'script')
				scripts.set(response.url(), await response.body().catch(() => Buffer.alloc(0)));
		});
		await page.addInitScript(() => {
			// The frame in which the app's own list (not a snapshot: there is none on a first visit)
			// is first drawn; a script requested after it is not the first view's.
			const marked = window as unknown as { firstViewPaintedAt?: number };
			new MutationObserver((_, observer) => {
				const list = 'section[aria-labelledby="active-licenses"][data-licenses-read="true"]';
				if (!document.querySelector(list)) return;
				observer.disconnect();
				requestAnimationFrame(() => (marked.firstViewPaintedAt = performance.now()));
			}).observe(document, { subtree: true, childList: true, attributes: true });
		});
		await page.goto('/', { waitUntil: 'networkidle' });
		await page.evaluate(() => navigator.serviceWorker.ready);
		const firstViewUrls = new Set(
			await page.evaluate(() => {
				const at = (window as unknown as { firstViewPaintedAt?: number }).firstViewPaintedAt;
				if (at === undefined) throw new Error('the home page never showed its list');
				return performance
					.getEntriesByType('resource')
					.filter((entry) => entry.startTime <= at)
					.map((entry) => entry.name);
			})
		);
		const gzipped = (urls: string[]) =>
			urls.reduce((sum, url) => sum + gzipSync(scripts.get(url)!, { level: 9 }).length, 0);
		const jsGzip = gzipped([...scripts.keys()].filter((url) => firstViewUrls.has(url)));
		const jsAfterGzip = gzipped([...scripts.keys()].filter((url) => !firstViewUrls.has(url)));
		await page.close();

		await context.setOffline(true);
		// Until the content is on screen: the heading, and on the home page the list itself (its
		// section stays aria-busy until the stored licenses are read), not only the empty frame.
		const coldStart = async (path: string, content: (page: Page) => Locator) => {
			const times: number[] = [];
			for (let i = 0; i < RUNS; i++) {
				const fresh = await context.newPage();
				const start = performance.now();
				await fresh.goto(path);
				await fresh.getByRole('heading', { name: 'Active Licenses' }).waitFor();
				await content(fresh).waitFor();
				times.push(performance.now() - start);
				await fresh.close();
			}
			return median(times);
		};
		const baseline = await coldStart('/bench/baseline.html', (page) => page.locator('body p'));
		const home = await coldStart('/', (page) =>
			page.locator('section[aria-labelledby="active-licenses"][aria-busy="false"]')
		);
		return [
			{
				what: `offline cold start, home page until Active Licenses shows (median of ${RUNS})`,
				value: `${formatNumber(home, 0)} ms`,
				baseline: `${formatNumber(baseline, 0)} ms`,
				ratio: `${formatNumber(home / baseline, 1)} ×`,
				target: '≤ 2 × baseline',
				met: home <= 2 * baseline
			},
			{
				what: 'JavaScript for the home page (gzip)',
				value: `${formatNumber(jsGzip / 1024, 1)} KB`,
				baseline: '–',
				ratio: '–',
				target: '≤ 80 KB',
				met: jsGzip <= 80 * 1024
			},
			{
				what: 'JavaScript the home page loads after its first view (gzip)',
				value: `${formatNumber(jsAfterGzip / 1024, 1)} KB`,
				baseline: '–',
				ratio: '–',
				target: '–',
				met: null
			}
		];
	} finally {
		await context.close();
		await server.stop();
		rmSync(dataDir, { recursive: true, force: true });
		rmSync(profile, { recursive: true, force: true });
	}
}
