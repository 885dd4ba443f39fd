// The SDK as a vendor uses it: the cost of check() once the store is open — in Node over the license
// folder, and in Chromium over IndexedDB — and the gzip size of a web page that imports only the
// check from the packaged library (dist/, built first when stale).
import { chromium } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { verify } from '../../src/lib/protocol/ed25519';
import { openLicenses } from '../../src/lib/sdk';
import { nodePlatform } from '../../src/lib/sdk/node';
import packageSdk from '../../tests/e2e/support/packaged-sdk';
import { browserBundle } from './bundle';
import { formatNumber, type Row } from './measure';
import { checkFixtures, medianCheckMs } from './sdk-fixtures';
import { CHROMIUM_LAUNCH } from './servers';

const CHECK_TARGET_MS = 1;
const CHECK_PAGE_TARGET_KB = 15;
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** One Ed25519 verification: what a check would cost if it verified the license file every time. */
async function verifyMedianMs(): Promise<number> {
	const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-verify-'));
	try {
		const licenses = await openLicenses(await nodePlatform({ dir, server: 'http://127.0.0.1:9' }));
		const signer = licenses.core.identity.signer;
		const message = new TextEncoder().encode('a license file’s signed bytes, about this long…');
		const signature = await signer.sign(message);
		const median = await medianCheckMs(() => verify(message, signature, signer.publicKey), 100);
		await licenses.close();
		return median;
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

async function nodeCheckMs(): Promise<number> {
	const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-sdk-'));
	try {
		const platform = await nodePlatform({ dir, server: 'http://127.0.0.1:9' });
		const first = await openLicenses(platform);
		const { vendorKeys, files } = await checkFixtures(first.core.identity.signer.publicKey, Date.now());
		await first.close();
		const licenses = await openLicenses({
			...(await nodePlatform({ dir, server: 'http://127.0.0.1:9' })),
			vendorKeys
		});
		const reports = await licenses.importLicenseFiles(files);
		if (reports.some((report) => !report.ok)) throw new Error('the benchmark’s license files were refused');
		const query = { product: 'SRV', expansion: 'CLX' };
		if (!(await licenses.check(query)).ok) throw new Error('the benchmark’s license does not check');
		const median = await medianCheckMs(() => licenses.check(query));
		await licenses.close();
		return median;
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/**
 * The gzip bytes a page loads before its first check: its bundle and the chunks it imports statically,
 * split as a vendor's bundler splits it (what loads lazily — tweetnacl for a browser without Ed25519 —
 * is not counted).
 */
async function initialScriptGzip(entry: string): Promise<number> {
	const { files, metafile } = await browserBundle(entry, {
		splitting: true,
		outdir: join(tmpdir(), 'airlock-check-page')
	});
	const outputs = metafile.outputs;
	const texts = new Map(files.map((file) => [file.path, file.text]));
	const start = Object.keys(outputs).find((name) => outputs[name]!.entryPoint);
	const loaded = new Set<string>();
	const visit = (name: string) => {
		if (loaded.has(name)) return;
		loaded.add(name);
		for (const imported of outputs[name]!.imports)
			if (imported.kind === 'import-statement') visit(imported.path);
	};
	visit(start!);
	// The metafile names outputs relative to the working folder; the files carry absolute paths.
	return [...loaded].reduce((sum, name) => sum + gzipSync(texts.get(resolve(name))!, { level: 9 }).length, 0);
}

async function chromiumCheckMs(): Promise<number> {
	const script = (await browserBundle(here('./browser/sdk-check-bench.ts'))).files[0]!.text;
	const browser = await chromium.launch(CHROMIUM_LAUNCH);
	try {
		const page = await browser.newPage();
		// A page of its own origin (IndexedDB needs one), served by the browser's router: no server.
		await page.route('http://sdk-bench.localhost/**', (route) =>
			route.fulfill({
				contentType: route.request().url().endsWith('.js') ? 'text/javascript' : 'text/html',
				body: route.request().url().endsWith('.js')
					? script
					: '<!doctype html><script type="module" src="/bench.js"></script>'
			})
		);
		await page.goto('http://sdk-bench.localhost/');
		await page.waitForFunction(() => 'runSdkCheckBench' in globalThis);
		const result = await page.evaluate(() =>
			(
				globalThis as unknown as { runSdkCheckBench(): Promise<{ medianMs: number; ok: boolean }> }
			).runSdkCheckBench()
		);
		if (!result.ok) throw new Error('the benchmark’s license does not check in Chromium');
		return result.medianMs;
	} finally {
		await browser.close();
	}
}

export async function sdkBenchmarks(): Promise<Row[]> {
	packageSdk();
	const verifyMs = await verifyMedianMs();
	const node = await nodeCheckMs();
	const browser = await chromiumCheckMs();
	const checkPage = await initialScriptGzip(here('./browser/check-only-page.ts'));
	const checkRow = (where: string, ms: number): Row => ({
		what: `check() median, store open (${where})`,
		value: `${formatNumber(ms * 1000)} µs`,
		baseline: `${formatNumber(verifyMs * 1000)} µs (one Ed25519 verify, Node)`,
		ratio: `${formatNumber(ms / verifyMs, 2)} ×`,
		target: `≤ ${CHECK_TARGET_MS} ms`,
		met: ms <= CHECK_TARGET_MS
	});
	return [
		checkRow('Node, license folder', node),
		checkRow('Chromium, IndexedDB', browser),
		{
			what: 'JavaScript for a page that only checks (gzip)',
			value: `${formatNumber(checkPage / 1024, 1)} KB`,
			baseline: '–',
			ratio: '–',
			target: `≤ ${CHECK_PAGE_TARGET_KB} KB`,
			met: checkPage <= CHECK_PAGE_TARGET_KB * 1024
		}
	];
}
