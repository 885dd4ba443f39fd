import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import {
	CLIENT_EXPANSION,
	EXAMPLE_TIME,
	exampleLicense,
	exampleRequest,
	SERVER_LICENSE,
	WEB_EXPANSION
} from '../../../tests/fixtures/protocol-builders.js';
import { otherTestDevice, testDevice, testTrustedKeys } from '../../../tests/fixtures/test-keys.js';
import { licenseQrText, parseRequestQr, requestQrUrl, verifyLicenseQr } from './qr-payload.js';

const DEVELOPER_LICENSE = 'DEV-2345-6789-ABCC';
const PORTAL = 'https://activation.example.com/portal';
const options = { trustedKeys: testTrustedKeys, devicePublicKey: testDevice.publicKey, now: EXAMPLE_TIME };
const golden = (name: string) =>
	readFileSync(new URL(`../../../tests/fixtures/golden/${name}`, import.meta.url), 'utf8').trim();

describe('request QR payload', () => {
	it('is a portal URL with the request in the fragment, as in docs/FORMATS.md', async () => {
		const url = requestQrUrl(await exampleRequest(), PORTAL);
		expect(url).toBe(golden('request-qr.txt'));
		expect(new URL(url).search).toBe('');
		expect(await parseRequestQr(url)).toEqual({ ok: true, request: await exampleRequest() });
	});

	it('fits one QR code at error correction level M with 4 license numbers and a long e-mail', async () => {
		const request = await exampleRequest({
			licenseNumbers: [SERVER_LICENSE, CLIENT_EXPANSION, WEB_EXPANSION, DEVELOPER_LICENSE],
			email: `${'a'.repeat(60)}@${'b'.repeat(60)}.example.com`
		});
		const qr = QRCode.create(requestQrUrl(request, PORTAL), { errorCorrectionLevel: 'M' });
		expect(qr.version).toBeLessThanOrEqual(20);
	});

	it('rejects changed bytes, truncation and other QR codes', async () => {
		const url = requestQrUrl(await exampleRequest(), PORTAL);
		await fc.assert(
			fc.asyncProperty(
				fc.integer({ min: url.indexOf('#r1=') + 4, max: url.length - 1 }),
				fc.constantFrom(...'ABCabc012-_'),
				async (position, char) => {
					fc.pre(url[position] !== char);
					expect((await parseRequestQr(url.slice(0, position) + char + url.slice(position + 1))).ok).toBe(
						false
					);
				}
			),
			{ numRuns: 500 }
		);
		expect(await parseRequestQr(url.slice(0, -10))).toMatchObject({
			ok: false,
			error: { code: 'request_malformed' }
		});
		expect(await parseRequestQr('https://example.com/')).toMatchObject({
			ok: false,
			error: { code: 'request_not_a_request' }
		});
	});
});

describe('license QR payload', () => {
	it('carries a license exactly, with the same signature as its file', async () => {
		const license = await exampleLicense({ expansions: [CLIENT_EXPANSION, WEB_EXPANSION] });
		const text = licenseQrText(license);
		expect(text).toBe(golden('license-qr.txt'));
		expect(await verifyLicenseQr(text, options)).toEqual({ ok: true, license });
		expect(QRCode.create(text, { errorCorrectionLevel: 'M' }).version).toBeLessThanOrEqual(20);
	});

	it('is verified like a file: another device, expiry and tampering are refused', async () => {
		const license = await exampleLicense({
			kind: 'temporary',
			expiresAt: EXAMPLE_TIME + 1000 * 3600,
			parent: SERVER_LICENSE,
			licenseNumber: CLIENT_EXPANSION,
			product: 'CLX',
			quantity: 10
		});
		const text = licenseQrText(license);
		expect(await verifyLicenseQr(text, options)).toEqual({ ok: true, license });
		expect(
			await verifyLicenseQr(text, { ...options, devicePublicKey: otherTestDevice.publicKey })
		).toMatchObject({ ok: false, error: { code: 'license_wrong_device' } });
		expect(await verifyLicenseQr(text, { ...options, now: EXAMPLE_TIME + 1000 * 3600 })).toMatchObject({
			ok: false,
			error: { code: 'license_expired' }
		});
		expect(await verifyLicenseQr(requestQrUrl(await exampleRequest(), PORTAL), options)).toMatchObject({
			ok: false,
			error: { code: 'license_not_a_license' }
		});
		await fc.assert(
			fc.asyncProperty(
				fc.integer({ min: 'AIRLOCK:L1:'.length, max: text.length - 1 }),
				fc.constantFrom(...'ABCabc012-_'),
				async (position, char) => {
					fc.pre(text[position] !== char);
					expect(
						(await verifyLicenseQr(text.slice(0, position) + char + text.slice(position + 1), options)).ok
					).toBe(false);
				}
			),
			{ numRuns: 500 }
		);
	});
});
