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
		// First view, online and uncached: every script it loads, gzip-compressed as served.
		const page = await context.newPage();
		const scripts = new Map<string, Buffer>();
		page.on('response', async (response) => {
			if (response.request().resourceType() === 'script')
				scripts.set(response.url(), await response.body().catch(() => Buffer.alloc(0)));
		});
		await page.goto('/', { waitUntil: 'networkidle' });
		await page.evaluate(() => navigator.serviceWorker.ready);
		const jsGzip = [...scripts.values()].reduce((sum, body) => sum + gzipSync(body, { level: 9 }).length, 0);
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
			}
		];
	} finally {
		await context.close();
		await server.stop();
		rmSync(dataDir, { recursive: true, force: true });
		rmSync(profile, { recursive: true, force: true });
	}
}
