import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
	CLIENT_EXPANSION,
	EXAMPLE_TIME,
	exampleLicense,
	WEB_EXPANSION
} from '../../../tests/fixtures/protocol-builders.js';
import {
	otherTestDevice,
	testDevice,
	testTrustedKeys,
	testVendor
} from '../../../tests/fixtures/test-keys.js';
import { sign } from './ed25519.js';
import { generateKeyPair } from './ed25519-tweetnacl.js';
import {
	formatLicenseFile,
	ISSUED_AT_TOLERANCE_MS,
	licenseFileName,
	MAX_LICENSE_FILE_CHARS,
	signLicense,
	verifyLicenseFile
} from './license-file.js';
import { keyIdOf } from './sync-ids.js';
import { examplePayload } from '../../../tests/fixtures/protocol-builders.js';

const options = { trustedKeys: testTrustedKeys, devicePublicKey: testDevice.publicKey, now: EXAMPLE_TIME };
const golden = readFileSync(
	new URL('../../../tests/fixtures/golden/SRV-5BQ7-MKXD-3H99.license4d', import.meta.url),
	'utf8'
);
const DAY = 86_400_000;

async function codeOf(text: string, overrides: Partial<typeof options> = {}) {
	const result = await verifyLicenseFile(text, { ...options, ...overrides });
	return result.ok ? 'accepted' : result.error.code;
}

describe('license files', () => {
	it('writes the worked example of docs/FORMATS.md byte for byte, and verifies it', async () => {
		const license = await exampleLicense({ expansions: [CLIENT_EXPANSION, WEB_EXPANSION] });
		expect(formatLicenseFile(license)).toBe(golden);
		expect(await verifyLicenseFile(golden, options)).toEqual({ ok: true, license });
		expect(licenseFileName(license)).toBe('SRV-5BQ7-MKXD-3H99.license4d');
	});

	it('round-trips expansions, temporary licenses with an expiry, and every kind', async () => {
		for (const kind of ['standard', 'temporary', 'emergency'] as const) {
			const license = await exampleLicense({
				kind,
				expiresAt: EXAMPLE_TIME + 5 * DAY,
				parent: 'SRV-5BQ7-MKXD-3H99',
				licenseNumber: CLIENT_EXPANSION,
				product: 'CLX',
				quantity: 10
			});
			expect(await verifyLicenseFile(formatLicenseFile(license), options)).toEqual({ ok: true, license });
		}
	});

	it('checks in the documented order, each failure with its own code', async () => {
		const text = formatLicenseFile(await exampleLicense({ expiresAt: EXAMPLE_TIME + DAY }));
		const otherVendor = generateKeyPair();
		expect(await codeOf('x'.repeat(MAX_LICENSE_FILE_CHARS + 1))).toBe('license_too_large');
		expect(await codeOf('just some text')).toBe('license_not_a_license');
		expect(
			await codeOf(readFileSync(new URL('../../../tests/fixtures/golden/reg.txt', import.meta.url), 'utf8'))
		).toBe('license_not_a_license');
		expect(await codeOf(text.replace('airlock-license/1', 'airlock-license/9'))).toBe(
			'license_unsupported_version'
		);
		expect(await codeOf(text.replace('Quantity: 1', 'Quantity: one'))).toBe('license_malformed');
		expect(await codeOf(text.replace('Algorithm: Ed25519', 'Algorithm: none'))).toBe(
			'license_unsupported_algorithm'
		);
		expect(await codeOf(text.replace(/Key-Id: [0-9a-f]+/, `Key-Id: ${keyIdOf(otherVendor.publicKey)}`))).toBe(
			'license_unknown_key'
		);
		expect(await codeOf(text.replace('Kind: standard', 'Kind: temporary'))).toBe('license_bad_signature');
		expect(await codeOf(text, { devicePublicKey: otherTestDevice.publicKey })).toBe('license_wrong_device');
		expect(await codeOf(text, { now: EXAMPLE_TIME - ISSUED_AT_TOLERANCE_MS - 1000 })).toBe(
			'license_issued_in_future'
		);
		expect(await codeOf(text, { now: EXAMPLE_TIME - ISSUED_AT_TOLERANCE_MS })).toBe('accepted');
		expect(await codeOf(text, { now: EXAMPLE_TIME + DAY })).toBe('license_expired');
		expect(await codeOf(text, { now: EXAMPLE_TIME + DAY - 1000 })).toBe('accepted');
	});

	it('verifies with any key of a trusted set (rotation) and refuses one signed by an untrusted key', async () => {
		const oldVendor = generateKeyPair();
		const oldKid = keyIdOf(oldVendor.publicKey);
		const license = await signLicense(examplePayload({ kid: oldKid }), (m) => sign(m, oldVendor.secretKey));
		const text = formatLicenseFile(license);
		expect(await codeOf(text)).toBe('license_unknown_key');
		const rotated = new Map([...testTrustedKeys, [oldKid, { kid: oldKid, publicKey: oldVendor.publicKey }]]);
		expect(await codeOf(text, { trustedKeys: rotated })).toBe('accepted');
		// A key id that names a trusted key but a signature by another key is a bad signature.
		const forged = await signLicense(examplePayload(), (m) => sign(m, oldVendor.secretKey));
		expect(await codeOf(formatLicenseFile(forged))).toBe('license_bad_signature');
		expect(testVendor.publicKey).not.toEqual(oldVendor.publicKey);
	});

	it('rejects any single-character change to the signed block', async () => {
		const text = golden;
		const start = text.indexOf('-----BEGIN');
		const end = text.indexOf('-----END');
		await fc.assert(
			fc.asyncProperty(
				fc.integer({ min: start, max: end - 1 }),
				fc.integer({ min: 32, max: 126 }),
				async (position, code) => {
					fc.pre(text.charCodeAt(position) !== code && text[position] !== '\n');
					const changed = text.slice(0, position) + String.fromCharCode(code) + text.slice(position + 1);
					expect(await codeOf(changed)).not.toBe('accepted');
				}
			),
			{ numRuns: 1500 }
		);
	});

	it('refuses to sign a payload that breaks the rules', async () => {
		await expect(exampleLicense({ product: 'DEV' })).rejects.toThrow(RangeError);
		await expect(exampleLicense({ expiresAt: EXAMPLE_TIME - DAY })).rejects.toThrow(RangeError);
		await expect(exampleLicense({ expansions: [CLIENT_EXPANSION, CLIENT_EXPANSION] })).rejects.toThrow(
			RangeError
		);
	});
});
