// The store's License list in Chromium with 10,000 licenses: from a keystroke in the search field
// to the list updated on screen (only the visible rows are rendered). The baseline is the same page
// with 100 licenses, so the ratio shows what the list's size costs.
import { chromium, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuild } from '../ensure-build.js';
import { formatNumber, type Row } from './measure';
import { BENCH_PORTS, CHROMIUM_LAUNCH, startAppServer } from './servers';

const LICENSES = 10_000;
const BASELINE_LICENSES = 100;
/** What a user types, one keystroke at a time, then erases. */
const TYPED = [
	'S',
	'SR',
	'SRV',
	'SRV-',
	'SRV-4',
	'SRV-4B',
	'SRV-4',
	'SRV-',
	'SRV',
	'war',
	'ware',
	'wareh',
	'x',
	''
];
const ROUNDS = 4;
function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/** Fills the License Manager's offline copy of the store with `count` licenses in 40 projects. */
async function seed(page: Page, count: number): Promise<void> {
	await page.evaluate(async (count) => {
		const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTVWXYZ';
		const symbols = (n: number, length: number) => {
			let text = '';
			for (let i = 0; i < length; i++) {
				text = ALPHABET[n % 31] + text;
				n = Math.floor(n / 31);
			}
			return text;
		};
		const products = [
			['SRV', '4D Server'],
			['DEV', '4D Developer Professional'],
			['TEA', '4D Team Developer']
		] as const;
		const statuses = ['active', 'active', 'active', 'temporary', 'expired', 'emergency'] as const;
		const stamp = { wall: 1, counter: 0, device: 'BNCH-BNCH-BNCH' };
		const projects = Array.from({ length: 40 }, (_, i) => ({
			id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
			name: i % 2 ? `Warehouse ${i}` : `Shop ${i}`,
			nameStamp: stamp,
			deleted: null
		}));
		const licenses = Array.from({ length: count }, (_, i) => {
			const [product, productName] = products[i % products.length]!;
			const code = symbols(i * 7919 + 12345, 11);
			return {
				number: `${product}-${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`,
				product,
				productName,
				kind: 'standard',
				status: statuses[i % statuses.length],
				expiresAt: null,
				seats: 2,
				seatsUsed: i % 3,
				expansions:
					i % 5
						? []
						: [
								{
									number: `CLX-${code.slice(0, 4)}-2222-3333`,
									product: 'CLX',
									productName: '4D Client Expansion'
								}
							],
				devices: [],
				link: i % 4 ? { projectId: projects[i % 40]!.id, stamp } : null
			};
		});
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const request = indexedDB.open('airlock-license-manager');
			request.onsuccess = () => resolve(request.result);
			request.onerror = () => reject(request.error);
		});
		await new Promise<void>((resolve, reject) => {
			// The copy of one account, the one signed in on this device (copies are kept per account).
			const account = 'bench@example.com';
			const tx = db.transaction(['storeLicenses', 'storeProjects', 'syncState', 'settings'], 'readwrite');
			tx.objectStore('storeLicenses').clear();
			tx.objectStore('storeProjects').clear();
			for (const license of licenses) tx.objectStore('storeLicenses').put({ ...license, account });
			for (const project of projects) tx.objectStore('storeProjects').put({ ...project, account });
			tx.objectStore('syncState').put({ key: `storeSyncedAt:${account}`, value: Date.now() });
			tx.objectStore('settings').put({ key: 'signedInAccount', value: account });
			tx.oncomplete = () => resolve();
			tx.onerror = () => reject(tx.error);
		});
		db.close();
	}, count);
}

/**
 * For each keystroke: milliseconds to the next frame after the list changed, and the script work
 * alone (the event, filtering and the DOM update, up to the first task after them).
 */
async function keystrokes(page: Page): Promise<{ frame: number[]; work: number[] }> {
	return page.evaluate(
		async ({ typed, rounds }) => {
			const input = document.querySelector<HTMLInputElement>('#filter-query')!;
			const times: number[] = [];
			const work: number[] = [];
			for (let round = 0; round < rounds; round++) {
				for (const value of typed) {
					if (input.value === value) continue;
					const start = performance.now();
					input.value = value;
					input.dispatchEvent(new Event('input', { bubbles: true }));
					await new Promise((resolve) => setTimeout(resolve, 0));
					work.push(performance.now() - start);
					// Svelte updates the DOM in a microtask of the input event, before the next frame: the
					// list is on screen once that frame has been produced.
					await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
					times.push(performance.now() - start);
				}
			}
			return { frame: times, work };
		},
		{ typed: TYPED, rounds: ROUNDS }
	);
}

async function measureWith(
	page: Page,
	count: number
): Promise<{ median: number; p95: number; work: number; rendered: number; filtered: string }> {
	await page.goto('/licenses');
	// Signed out, the page has no search field yet: wait for the License Manager's database instead.
	await page.waitForFunction(async () =>
		(await indexedDB.databases()).some((db) => db.name === 'airlock-license-manager')
	);
	await page.getByRole('button', { name: 'Sign in' }).first().waitFor();
	await seed(page, count);
	await page.reload();
	await page.getByText(`${count} license(s)`, { exact: true }).waitFor({ timeout: 60_000 });
	const times = await keystrokes(page);
	const rendered = await page.locator('tr[data-license]').count();
	// The filter really ran: one product's licenses out of all.
	await page.locator('#filter-query').fill('DEV-');
	const filtered = (await page.locator('p.count').textContent()) ?? '';
	await page.locator('#filter-query').fill('');
	return {
		median: percentile(times.frame, 0.5),
		p95: percentile(times.frame, 0.95),
		work: percentile(times.work, 0.5),
		rendered,
		filtered
	};
}

export async function licenseListBenchmarks(): Promise<Row[]> {
	ensureBuild();
	const dataDir = mkdtempSync(join(tmpdir(), 'airlock-bench-list-'));
	const server = await startAppServer(BENCH_PORTS.licenseList, { DATA_DIR: dataDir, SEED_DEMO: 'false' });
	const browser = await chromium.launch(CHROMIUM_LAUNCH);
	try {
		const context = await browser.newContext({ baseURL: server.url });
		// tsx keeps function names with a `__name` helper that the page does not have.
		await context.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
		const page = await context.newPage();
		const baseline = await measureWith(page, BASELINE_LICENSES);
		const full = await measureWith(page, LICENSES);
		const row = (what: string, value: number, base: number): Row => ({
			what,
			value: `${formatNumber(value, 1)} ms`,
			baseline: `${formatNumber(base, 1)} ms (${BASELINE_LICENSES} licenses)`,
			ratio: `${formatNumber(value / base, 1)} ×`,
			target: '≤ 50 ms',
			met: value <= 50
		});
		return [
			row(
				`License list, ${formatNumber(LICENSES)} licenses: keystroke in the search → list updated (median)`,
				full.median,
				baseline.median
			),
			row(
				`License list, ${formatNumber(LICENSES)} licenses: keystroke → list updated (95th percentile)`,
				full.p95,
				baseline.p95
			),
			{
				what: `License list, ${formatNumber(LICENSES)} licenses: script work per keystroke (median)`,
				value: `${formatNumber(full.work, 1)} ms`,
				baseline: `${formatNumber(baseline.work, 1)} ms (${BASELINE_LICENSES} licenses)`,
				ratio: `${formatNumber(full.work / Math.max(baseline.work, 0.1), 1)} ×`,
				target: '–',
				met: null
			},
			{
				what: `License list, ${formatNumber(LICENSES)} licenses: search “DEV-” shows`,
				value: full.filtered,
				baseline: '–',
				ratio: '–',
				target: 'a third of the list',
				met: full.filtered.startsWith(`${Math.ceil((LICENSES - 1) / 3)} of`)
			},
			{
				what: `License list, ${formatNumber(LICENSES)} licenses: rows in the page after the last keystroke`,
				value: String(full.rendered),
				baseline: '–',
				ratio: '–',
				target: 'only what is visible',
				met: full.rendered < 100
			}
		];
	} finally {
		await browser.close();
		await server.stop();
		rmSync(dataDir, { recursive: true, force: true });
	}
}
