// What the SDK benchmarks check against: a vendor key set and license files signed for one device
// (an application license with an expansion, and others beside it), made in Node or in the page.
import { encodeBase64url } from '../../src/lib/protocol/base64url';
import { keyPairFromSeed, tweetnaclBackend } from '../../src/lib/protocol/ed25519-tweetnacl';
import { formatLicenseFile, signLicense } from '../../src/lib/protocol/license-file';
import { generateLicenseNumber } from '../../src/lib/protocol/license-number';
import { deviceIdOf, keyIdOf } from '../../src/lib/protocol/sync-ids';
import type { PublishedKeySet } from '../../src/lib/protocol/vendor-keys';

/** Licenses on the benchmark's computer: one SRV with its CLX expansion, and this many others. */
export const OTHER_LICENSES = 20;

export async function checkFixtures(devicePublicKey: Uint8Array, now: number) {
	const vendor = keyPairFromSeed(new Uint8Array(32).fill(7));
	const kid = keyIdOf(vendor.publicKey);
	const vendorKeys: PublishedKeySet = {
		keys: [
			{
				kid,
				alg: 'Ed25519',
				publicKey: encodeBase64url(vendor.publicKey),
				status: 'active',
				createdAt: new Date(now).toISOString()
			}
		]
	};
	const server = generateLicenseNumber('SRV');
	const expansion = generateLicenseNumber('CLX');
	const sign = (licenseNumber: string, product: string, parent: string | null, expansions: string[]) =>
		signLicense(
			{
				licenseNumber,
				product,
				productName: product,
				quantity: 1,
				kind: 'standard',
				parent,
				expansions,
				email: 'bench@example.com',
				deviceId: deviceIdOf(devicePublicKey),
				devicePublicKey,
				issuedAt: Math.floor(now / 1000) * 1000 - 60_000,
				expiresAt: null,
				requestNonce: encodeBase64url(new Uint8Array(16).fill(5)),
				kid
			},
			(message) => tweetnaclBackend.sign(message, vendor.secretKey)
		).then(formatLicenseFile);
	const files = [await sign(server, 'SRV', null, [expansion]), await sign(expansion, 'CLX', server, [])];
	for (let i = 0; i < OTHER_LICENSES; i++)
		files.push(await sign(generateLicenseNumber('DEV'), 'DEV', null, []));
	return { vendorKeys, files };
}

/** Calls per timed sample: a browser's clock is coarse (0.1 ms), one call is far below it. */
const CALLS_PER_SAMPLE = 20;

/**
 * The median time of one call, in milliseconds, over `samples` timed runs of 20 calls each (after a
 * warm-up).
 */
export async function medianCheckMs(check: () => Promise<unknown>, samples = 200): Promise<number> {
	for (let i = 0; i < 200; i++) await check();
	const times: number[] = [];
	for (let i = 0; i < samples; i++) {
		const start = performance.now();
		for (let call = 0; call < CALLS_PER_SAMPLE; call++) await check();
		times.push((performance.now() - start) / CALLS_PER_SAMPLE);
	}
	times.sort((a, b) => a - b);
	return times[Math.floor(times.length / 2)]!;
}
