// Regression cases from the independent review of docs/FORMATS.md against the code: each was a
// second accepted form of one value, or a value one encoding accepted and another refused.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_TIME, exampleLicense, exampleRequest } from '../../../tests/fixtures/protocol-builders.js';
import { testDevice, testTrustedKeys } from '../../../tests/fixtures/test-keys.js';
import { decodeBase64url, encodeBase64url } from './base64url.js';
import { createNativeBackend, createNodeBackend, nodeCrypto } from './ed25519.js';
import { isCanonicalScalar, tweetnaclBackend } from './ed25519-tweetnacl.js';
import { licenseSignedBytes, parseLicenseFile, verifyLicenseFile } from './license-file.js';
import {
	LICENSE_QR_PREFIX,
	licenseQrText,
	parseRequestQr,
	requestQrUrl,
	verifyLicenseQr
} from './qr-payload.js';

const options = { trustedKeys: testTrustedKeys, devicePublicKey: testDevice.publicKey, now: EXAMPLE_TIME };
const golden = readFileSync(
	new URL('../../../tests/fixtures/golden/SRV-5BQ7-MKXD-3H99.license4d', import.meta.url),
	'utf8'
);

/** S + L, little-endian, for a signature's S half. */
function addGroupOrder(s: Uint8Array): Uint8Array {
	const order = [
		0xed,
		0xd3,
		0xf5,
		0x5c,
		0x1a,
		0x63,
		0x12,
		0x58,
		0xd6,
		0x9c,
		0xf7,
		0xa2,
		0xde,
		0xf9,
		0xde,
		0x14,
		...Array(15).fill(0),
		0x10
	];
	const out = new Uint8Array(32);
	let carry = 0;
	for (let i = 0; i < 32; i++) {
		const sum = s[i]! + order[i]! + carry;
		out[i] = sum & 0xff;
		carry = sum >> 8;
	}
	return out;
}

describe('one value, one accepted form', () => {
	it('refuses a signature whose S is not below L on both Ed25519 backends', async () => {
		const parsed = parseLicenseFile(golden);
		if (!parsed.ok) throw new Error('golden file must parse');
		const { license } = parsed;
		const malleable = Uint8Array.from([
			...license.signature.subarray(0, 32),
			...addGroupOrder(license.signature.subarray(32))
		]);
		expect(isCanonicalScalar(license.signature.subarray(32))).toBe(true);
		expect(isCanonicalScalar(malleable.subarray(32))).toBe(false);
		const key = [...testTrustedKeys.values()][0]!.publicKey;
		for (const backend of [
			tweetnaclBackend,
			createNativeBackend(globalThis.crypto.subtle),
			createNodeBackend(nodeCrypto()!)
		]) {
			expect(await backend.verify(licenseSignedBytes(license), license.signature, key)).toBe(true);
			expect(await backend.verify(licenseSignedBytes(license), malleable, key)).toBe(false);
		}
		const text = golden.replace(encodeBase64url(license.signature), encodeBase64url(malleable));
		expect(await verifyLicenseFile(text, options)).toMatchObject({
			ok: false,
			error: { code: 'license_bad_signature' }
		});
	});

	it('refuses QR times that the text forms cannot carry', async () => {
		const url = requestQrUrl(await exampleRequest(), 'https://a.example/portal');
		const bytes = decodeBase64url(url.slice(url.indexOf('#r1=') + 4))!;
		bytes.set([0x10, 0, 0, 0], 2); // created-at in 1978
		expect(await parseRequestQr(`https://a.example/portal#r1=${encodeBase64url(bytes)}`)).toMatchObject({
			ok: false,
			error: { code: 'request_malformed', field: 'Created-At' }
		});
	});

	it('refuses text that only some encodings can carry: line separators, over 255 bytes, upper-case letters', async () => {
		await expect(exampleLicense({ productName: 'Server\u2028Edition' })).rejects.toThrow(RangeError);
		await expect(exampleLicense({ productName: '€'.repeat(90) })).rejects.toThrow(RangeError);
		await expect(exampleRequest({ email: `${'é'.repeat(60)}@${'é'.repeat(70)}.example` })).rejects.toThrow(
			RangeError
		);
		await expect(exampleRequest({ email: 'Ärger@example.com' })).rejects.toThrow(RangeError);
	});

	it('keeps a byte-order mark in QR text, so it cannot be slipped in front of a signed value', async () => {
		const text = licenseQrText(await exampleLicense());
		const bytes = decodeBase64url(text.slice(LICENSE_QR_PREFIX.length))!;
		// Product name is at offset 17 (length byte) in the layout: prepend EF BB BF to it.
		const nameLength = bytes[17]!;
		const withBom = Uint8Array.from([
			...bytes.subarray(0, 17),
			nameLength + 3,
			0xef,
			0xbb,
			0xbf,
			...bytes.subarray(18)
		]);
		expect(await verifyLicenseQr(LICENSE_QR_PREFIX + encodeBase64url(withBom), options)).toMatchObject({
			ok: false
		});
	});
});
