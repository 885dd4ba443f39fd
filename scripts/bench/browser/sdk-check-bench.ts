// The benchmark page for check() in Chromium: the SDK over IndexedDB (Dexie), as a vendor's web app
// opens it, holding license files signed for this browser's own device key.
import { openLicenses } from '../../../src/lib/sdk';
import { browserPlatform } from '../../../src/lib/sdk/browser';
import { checkFixtures, medianCheckMs } from '../sdk-fixtures';

async function run(): Promise<{ medianMs: number; ok: boolean }> {
	const platform = browserPlatform({ databaseName: `sdk-check-bench-${Date.now()}` });
	const first = await openLicenses({ ...platform, server: location.origin });
	const { vendorKeys, files } = await checkFixtures(first.core.identity.signer.publicKey, Date.now());
	await first.close();
	const licenses = await openLicenses({
		...browserPlatform({ databaseName: platform.storage.db.name }),
		server: location.origin,
		vendorKeys
	});
	const reports = await licenses.importLicenseFiles(files);
	if (reports.some((report) => !report.ok)) throw new Error(JSON.stringify(reports.find((r) => !r.ok)));
	const query = { product: 'SRV', expansion: 'CLX' };
	const verdict = await licenses.check(query);
	const medianMs = await medianCheckMs(() => licenses.check(query));
	await licenses.close();
	return { medianMs, ok: verdict.ok };
}

(globalThis as { runSdkCheckBench?: typeof run }).runSdkCheckBench = run;
