// The License Manager's client code in Chromium: importing 1,000 license files (verify + store in
// IndexedDB) and flushing 10,000 queued operations to the real server. The page is the app's own
// code bundled for the benchmark (browser/client-bench.ts), served on the server's origin so its
// requests are same-origin like the installed app's.
import { chromium, type Page } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeBase64url } from '../../src/lib/protocol/base64url';
import { decodeBase64url } from '../../src/lib/protocol/base64url';
import { deviceIdOf } from '../../src/lib/protocol/sync-ids';
import { keyPairFromSeed, tweetnaclBackend } from '../../src/lib/protocol/ed25519-tweetnacl';
import {
	formatLicenseFile,
	licenseFileName,
	licenseSignedBytes,
	signLicense
} from '../../src/lib/protocol/license-file';
import { generateLicenseNumber } from '../../src/lib/protocol/license-number';
import { type PublishedKeySet } from '../../src/lib/protocol/vendor-keys';
import { keyIdOf } from '../../src/lib/protocol/sync-ids';
import { parseConfig } from '../../src/lib/server/config';
import { openServerContext } from '../../src/lib/server/context';
import { createAccount } from '../../src/lib/server/accounts/account.service';
import { createLicense } from '../../src/lib/server/catalogue/catalogue.service';
import { ensureBuild } from '../ensure-build.js';
import type { ClientBench, LicenseFixture } from './browser/client-bench';
import { browserBundle } from './bundle';
import { formatNumber, type Row } from './measure';
import { BENCH_PORTS, CHROMIUM_LAUNCH, startAppServer } from './servers';

const FILES = 1_000;
const OPERATIONS = 10_000;
const EMAIL = 'flush@example.com';
const PASSWORD = 'flush-password';

/** The benchmark page's script: the app's client modules, bundled as the app bundles them. */
async function bundle(): Promise<string> {
	const { files } = await browserBundle(fileURLToPath(new URL('./browser/client-bench.ts', import.meta.url)));
	return files[0]!.text;
}

/** 1,000 license files for this device, signed by a vendor key the page trusts. */
async function licenseFixtures(devicePublicKey: Uint8Array) {
	const vendor = keyPairFromSeed(new Uint8Array(32).fill(9));
	const kid = keyIdOf(vendor.publicKey);
	const trusted: PublishedKeySet = {
		keys: [
			{
				kid,
				alg: 'Ed25519',
				publicKey: encodeBase64url(vendor.publicKey),
				status: 'active',
				createdAt: new Date().toISOString()
			}
		]
	};
	const issuedAt = Math.floor(Date.now() / 1000) * 1000 - 60_000;
	const fixtures: LicenseFixture[] = [];
	for (let i = 0; i < FILES; i++) {
		const product = i % 2 ? 'SRV' : 'DEV';
		const license = await signLicense(
			{
				licenseNumber: generateLicenseNumber(product),
				product,
				productName: product === 'SRV' ? '4D Server' : '4D Developer Pro',
				quantity: 1,
				kind: 'standard',
				parent: null,
				expansions: [],
				email: 'ada@example.com',
				deviceId: deviceIdOf(devicePublicKey),
				devicePublicKey,
				issuedAt,
				expiresAt: null,
				requestNonce: encodeBase64url(crypto.getRandomValues(new Uint8Array(16))),
				kid
			},
			(message) => tweetnaclBackend.sign(message, vendor.secretKey)
		);
		fixtures.push({
			name: licenseFileName(license),
			text: formatLicenseFile(license),
			signedBytes: encodeBase64url(licenseSignedBytes(license)),
			signature: encodeBase64url(license.signature)
		});
	}
	return { trusted, vendorPublicKey: encodeBase64url(vendor.publicKey), fixtures };
}

async function seedFlushAccount(env: Record<string, string>): Promise<string> {
	const context = await openServerContext(parseConfig(env), { seedDemo: false });
	try {
		const account = await createAccount(context.db, { email: EMAIL, password: PASSWORD }, Date.now());
		if (!account.ok) throw new Error(account.message);
		const created = await createLicense(
			context.db,
			{ productCode: 'DEV', email: EMAIL, seats: 5, expansions: [] },
			Date.now()
		);
		if (!created.ok) throw new Error(created.message);
		return created.created.license.number;
	} finally {
		await context.db.destroy();
	}
}

/** What the server recorded for a device: answered requests, and its seats. */
async function serverCounts(env: Record<string, string>, deviceId: string) {
	const context = await openServerContext(parseConfig(env), { seedDemo: false });
	try {
		const answered = await context.db
			.selectFrom('requests')
			.select((eb) => eb.fn.countAll<number>().as('count'))
			.where('device_id', '=', deviceId)
			.where('response', '!=', '')
			.executeTakeFirstOrThrow();
		const seats = await context.db
			.selectFrom('activations')
			.select((eb) => eb.fn.countAll<number>().as('count'))
			.where('device_id', '=', deviceId)
			.executeTakeFirstOrThrow();
		return { answered: Number(answered.count), seats: Number(seats.count) };
	} finally {
		await context.db.destroy();
	}
}

type BenchCall<K extends keyof ClientBench> = (
	...args: Parameters<ClientBench[K]>
) => Promise<Awaited<ReturnType<ClientBench[K]>>>;

function caller(page: Page) {
	return <K extends keyof ClientBench>(name: K): BenchCall<K> =>
		(...args) =>
			page.evaluate(
				([method, params]) =>
					(
						(globalThis as unknown as { bench: Record<string, (...a: unknown[]) => unknown> }).bench[
							method
						]! as (...a: unknown[]) => Promise<never>
					)(...params),
				[name, args] as [string, unknown[]]
			);
}

export async function clientBenchmarks(): Promise<Row[]> {
	ensureBuild();
	const script = await bundle();
	const dataDir = mkdtempSync(join(tmpdir(), 'airlock-bench-client-'));
	const profile = mkdtempSync(join(tmpdir(), 'airlock-bench-client-profile-'));
	const env = { DATA_DIR: dataDir, SEED_DEMO: 'false' };
	const licenseNumber = await seedFlushAccount(env);
	const server = await startAppServer(BENCH_PORTS.client, env);
	const context = await chromium.launchPersistentContext(profile, {
		...CHROMIUM_LAUNCH,
		serviceWorkers: 'block'
	});
	try {
		const page = await context.newPage();
		await page.route(`${server.url}/__bench/**`, (route) =>
			route.fulfill(
				route.request().url().endsWith('.js')
					? { contentType: 'text/javascript', body: script }
					: {
							contentType: 'text/html',
							body: '<!doctype html><meta charset="utf-8"><title>bench</title><script type="module" src="/__bench/client.js"></script>'
						}
			)
		);
		await page.goto(`${server.url}/__bench/client.html`);
		await page.waitForFunction(() => 'bench' in globalThis);
		const call = caller(page);

		const crypto = await call('ed25519')();
		const native = crypto.backend === 'native';

		// Import 1,000 license files.
		const importDevice = await call('open')('bench-import', { keys: [] });
		const { trusted, vendorPublicKey, fixtures } = await licenseFixtures(
			decodeBase64url(importDevice.publicKey)!
		);
		await call('open')('bench-import', trusted);
		const bare = await call('importBaseline')(vendorPublicKey, fixtures);
		const imported = await call('importFiles')('bench-import', fixtures);
		const importOk = imported.stored === FILES && imported.rows === FILES && imported.errors.length === 0;

		// Flush 10,000 queued operations: signed in, online, the outbox full.
		const signIn = await page.evaluate(
			async ([email, password]) =>
				(
					await fetch('/api/v1/session', {
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify({ email, password })
					})
				).status,
			[EMAIL, PASSWORD]
		);
		if (signIn !== 200) throw new Error(`sign-in failed: ${signIn}`);
		const flushDevice = await call('open')('bench-flush', { keys: [] });
		await call('fillOutbox')('bench-flush', OPERATIONS, licenseNumber, EMAIL);
		// BENCH_PROFILE_FLUSH=file.cpuprofile records the page's CPU profile of the flush (open it in DevTools).
		const profilePath = process.env.BENCH_PROFILE_FLUSH;
		const cdp = profilePath ? await context.newCDPSession(page) : null;
		if (cdp) {
			await cdp.send('Profiler.enable');
			await cdp.send('Profiler.start');
		}
		const flushed = await call('flush')('bench-flush');
		if (cdp && profilePath)
			writeFileSync(profilePath, JSON.stringify((await cdp.send('Profiler.stop')).profile));
		await page.close();
		await server.stop();
		const counts = await serverCounts(env, flushDevice.deviceId);
		const flushOk =
			flushed.states.done === OPERATIONS &&
			Object.keys(flushed.states).length === 1 &&
			flushed.outcome.applied === OPERATIONS &&
			counts.answered === OPERATIONS &&
			counts.seats === 1;

		const cryptoRow = (what: 'sign' | 'verify', value: number, baseline: number): Row => ({
			what: `Ed25519 ${what} / s in Chromium (the app's backend: ${crypto.backend}, vs tweetnacl)`,
			value: formatNumber(value),
			baseline: formatNumber(baseline),
			ratio: `${formatNumber(value / baseline, 1)} ×`,
			target: 'native path used; ≥ 20 × tweetnacl',
			met: native && value >= 20 * baseline
		});
		return [
			cryptoRow('sign', crypto.sign, crypto.naclSign),
			cryptoRow('verify', crypto.verify, crypto.naclVerify),
			{
				what: `import ${formatNumber(FILES)} license files in Chromium (verify + store in IndexedDB, app code: checked in ${formatNumber(imported.checkedMs)} ms${importOk ? '' : `; stored ${imported.stored}, errors ${imported.errors.join(', ') || 'none'}`})`,
				value: `${formatNumber(imported.ms)} ms`,
				baseline: `${formatNumber(bare.ms)} ms`,
				ratio: `${formatNumber(imported.ms / bare.ms, 1)} ×`,
				target: '≤ 500 ms',
				met: importOk && imported.ms <= 500
			},
			{
				what: `flush ${formatNumber(OPERATIONS)} queued activations until all acknowledged (${formatNumber(flushed.serverMs / 1000, 1)} s waiting for the server; server answered ${formatNumber(counts.answered)}, outbox ${Object.entries(
					flushed.states
				)
					.map(([state, n]) => `${n} ${state}`)
					.join(', ')})`,
				value: `${formatNumber(flushed.ms / 1000, 2)} s`,
				baseline: '–',
				ratio: '–',
				target: '≤ 10 s, none lost or doubled',
				met: flushOk && flushed.ms <= 10_000
			}
		];
	} finally {
		await context.close();
		await server.stop().catch(() => {});
		rmSync(dataDir, { recursive: true, force: true });
		rmSync(profile, { recursive: true, force: true });
	}
}
