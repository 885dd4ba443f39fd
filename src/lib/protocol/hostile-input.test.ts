// Random and hostile input never makes a parser throw, and is never accepted.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_TIME } from '../../../tests/fixtures/protocol-builders.js';
import { testDevice, testTrustedKeys } from '../../../tests/fixtures/test-keys.js';
import { verifyLicenseFile } from './license-file.js';
import { LICENSE_QR_PREFIX, parseRequestQr, REQUEST_FRAGMENT_PREFIX, verifyLicenseQr } from './qr-payload.js';
import { parseRegFile } from './reg-file.js';
import { encodeBase64url } from './base64url.js';

const options = { trustedKeys: testTrustedKeys, devicePublicKey: testDevice.publicKey, now: EXAMPLE_TIME };
const golden = (name: string) =>
	readFileSync(new URL(`../../../tests/fixtures/golden/${name}`, import.meta.url), 'utf8');
const regFile = golden('reg.txt');
const licenseFile = golden('SRV-5BQ7-MKXD-3H99.license4d');
const RUNS = 2500;

/** Text made of pieces of a valid file, random lines and random characters. */
function mangled(valid: string) {
	const lines = valid.split('\n');
	return fc
		.array(
			fc.oneof(
				fc.constantFrom(...lines),
				fc.string({ maxLength: 60 }),
				fc.string({ unit: 'binary', maxLength: 30 })
			),
			{ maxLength: 30 }
		)
		.map((parts) => parts.join('\n'));
}

/** Bytes after a QR prefix: random, or a valid payload with bytes flipped, cut or appended. */
function qrBytes(prefix: string, valid: string) {
	const payload = Buffer.from(valid.slice(valid.indexOf(prefix) + prefix.length).trim(), 'base64url');
	return fc.oneof(
		fc.uint8Array({ maxLength: 400 }).map((bytes) => prefix + encodeBase64url(bytes)),
		fc.tuple(fc.nat(payload.length - 1), fc.integer({ min: 1, max: 255 })).map(([i, x]) => {
			const copy = Uint8Array.from(payload);
			copy[i]! ^= x;
			return prefix + encodeBase64url(copy);
		}),
		fc.nat(payload.length - 1).map((n) => prefix + encodeBase64url(payload.subarray(0, n))),
		fc
			.uint8Array({ minLength: 1, maxLength: 20 })
			.map((extra) => prefix + encodeBase64url(Uint8Array.from([...payload, ...extra]))),
		fc.string({ maxLength: 300 }).map((text) => prefix + text)
	);
}

describe('hostile input', () => {
	it('reg.txt parser: never throws, never accepts mangled text', async () => {
		await fc.assert(
			fc.asyncProperty(fc.oneof(fc.string({ maxLength: 500 }), mangled(regFile)), async (text) => {
				const result = await parseRegFile(text);
				if (result.ok) expect(text).toContain(regFile.slice(regFile.indexOf('-----BEGIN')));
				else expect(result.error.code).toMatch(/^request_/);
			}),
			{ numRuns: RUNS }
		);
	});

	it('license file verifier: never throws, never accepts mangled text', async () => {
		await fc.assert(
			fc.asyncProperty(fc.oneof(fc.string({ maxLength: 500 }), mangled(licenseFile)), async (text) => {
				const result = await verifyLicenseFile(text, options);
				if (result.ok) expect(text).toContain(licenseFile.slice(licenseFile.indexOf('-----BEGIN')));
				else expect(result.error.code).toMatch(/^license_/);
			}),
			{ numRuns: RUNS }
		);
	});

	it('request QR parser: never throws, never accepts changed bytes', async () => {
		const valid = golden('request-qr.txt').trim();
		await fc.assert(
			fc.asyncProperty(
				fc.oneof(fc.string({ maxLength: 300 }), qrBytes(REQUEST_FRAGMENT_PREFIX, valid)),
				async (text) => {
					const result = await parseRequestQr(text);
					expect(result.ok ? valid.endsWith(text) : result.error.code.startsWith('request_')).toBe(true);
				}
			),
			{ numRuns: RUNS }
		);
	});

	it('license QR verifier: never throws, never accepts changed bytes', async () => {
		const valid = golden('license-qr.txt').trim();
		await fc.assert(
			fc.asyncProperty(
				fc.oneof(fc.string({ maxLength: 300 }), qrBytes(LICENSE_QR_PREFIX, valid)),
				async (text) => {
					const result = await verifyLicenseQr(text, options);
					expect(result.ok ? text === valid : result.error.code.startsWith('license_')).toBe(true);
				}
			),
			{ numRuns: RUNS }
		);
	});

	it('refuses 10 MB inputs by their size, before decoding', async () => {
		const huge = `-----BEGIN AIRLOCK LICENSE-----\n${'A'.repeat(10 * 1024 * 1024)}`;
		expect(await verifyLicenseFile(huge, options)).toMatchObject({
			ok: false,
			error: { code: 'license_too_large' }
		});
		expect(await parseRegFile(huge)).toMatchObject({ ok: false, error: { code: 'request_too_large' } });
		expect(await parseRequestQr(REQUEST_FRAGMENT_PREFIX + huge)).toMatchObject({
			ok: false,
			error: { code: 'request_too_large' }
		});
		expect(await verifyLicenseQr(LICENSE_QR_PREFIX + huge, options)).toMatchObject({
			ok: false,
			error: { code: 'license_too_large' }
		});
	});
});
