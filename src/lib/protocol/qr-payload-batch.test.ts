import fc from 'fast-check';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { encodeBase64url } from './base64url.js';
import { ByteWriter } from './binary.js';
import { ALPHABET, checkCharacterFor } from './check-character.js';
import { formatLicenseNumber } from './license-number.js';
import {
	CLIENT_EXPANSION,
	EXAMPLE_TIME,
	exampleLicense,
	SERVER_LICENSE,
	WEB_EXPANSION
} from '../../../tests/fixtures/protocol-builders.js';
import { testDevice, testTrustedKeys } from '../../../tests/fixtures/test-keys.js';
import {
	BATCH_QR_TEXT_TARGET,
	LICENSE_BATCH_QR_PREFIX,
	licenseBatchQrCodes,
	licenseQrText,
	MAX_QR_TEXT,
	parseLicenseBatchQr,
	verifyLicenseQr
} from './qr-payload.js';

const options = { trustedKeys: testTrustedKeys, devicePublicKey: testDevice.publicKey, now: EXAMPLE_TIME };
/** Valid license numbers (with their check character), one product each time. */
const NUMBERS = ['DEV', 'SRV', 'DEV', 'SRV', 'DEV', 'SRV'].map((product, i) => {
	const symbols = `${product}2345678ABC${ALPHABET[i]}`;
	return formatLicenseNumber(symbols + checkCharacterFor(symbols));
});

async function answer(count: number) {
	const parent = await exampleLicense({ expansions: [CLIENT_EXPANSION, WEB_EXPANSION] });
	const expansions = await Promise.all(
		[CLIENT_EXPANSION, WEB_EXPANSION].map((number) =>
			exampleLicense({ licenseNumber: number, product: number.slice(0, 3), parent: SERVER_LICENSE })
		)
	);
	const others = await Promise.all(
		NUMBERS.map((number) => exampleLicense({ licenseNumber: number, product: number.slice(0, 3) }))
	);
	return [parent, ...expansions, ...others].slice(0, count);
}

/** A batch text built by hand, for inputs the encoder never makes. */
function handMade(header: number[], entries: Uint8Array[], trailing: number[] = []): string {
	const writer = new ByteWriter();
	for (const byte of header) writer.u8(byte);
	for (const entry of entries) writer.u16(entry.length).bytes(entry);
	for (const byte of trailing) writer.u8(byte);
	return LICENSE_BATCH_QR_PREFIX + encodeBase64url(writer.toBytes());
}

const nonce = Array<number>(16).fill(0xab);
const licenseBytes = (text: string) =>
	Uint8Array.from(atob(text.slice('AIRLOCK:L1:'.length).replaceAll('-', '+').replaceAll('_', '/')), (c) =>
		c.charCodeAt(0)
	);

describe('license batch QR payload', () => {
	it('holds several licenses in one code when they fit, each read back exactly and verified', async () => {
		const licenses = await answer(2);
		const codes = licenseBatchQrCodes(licenses);
		const texts = codes.map((code) => code.text);
		expect(texts).toHaveLength(1);
		expect(texts[0]!.startsWith(LICENSE_BATCH_QR_PREFIX)).toBe(true);
		const read = parseLicenseBatchQr(texts[0]!);
		if (!read.ok) throw new Error(read.error.message);
		expect(read.batch).toMatchObject({ part: 1, parts: 1, answerId: 'ab'.repeat(16) });
		expect(read.batch.licenseTexts).toEqual(licenses.map(licenseQrText));
		for (const [i, text] of read.batch.licenseTexts.entries())
			expect(await verifyLicenseQr(text, options)).toEqual({ ok: true, license: licenses[i] });
	});

	it('splits into numbered parts that each fit a readable code, every license once, in order', async () => {
		for (const count of [5, 8]) {
			const licenses = await answer(count);
			const codes = licenseBatchQrCodes(licenses);
			const texts = codes.map((code) => code.text);
			expect(texts.length).toBeGreaterThan(1);
			const parts = texts.map((text) => {
				expect(text.length).toBeLessThanOrEqual(BATCH_QR_TEXT_TARGET);
				expect(QRCode.create(text, { errorCorrectionLevel: 'M' }).version).toBeLessThanOrEqual(24);
				const read = parseLicenseBatchQr(text);
				if (!read.ok) throw new Error(read.error.message);
				return read.batch;
			});
			expect(parts.map((p) => [p.part, p.parts])).toEqual(texts.map((_, i) => [i + 1, texts.length]));
			expect(parts.flatMap((p) => p.licenseTexts)).toEqual(licenses.map(licenseQrText));
			expect(codes.flatMap((code) => code.licenseNumbers)).toEqual(licenses.map((l) => l.licenseNumber));
		}
		expect(licenseBatchQrCodes([])).toEqual([]);
	});

	it('refuses other codes, other versions, bad part numbers, truncation and trailing data', async () => {
		const [license] = await answer(1);
		const entry = licenseBytes(licenseQrText(license!));
		const refused = (text: string, code = 'license_batch_malformed') =>
			expect(parseLicenseBatchQr(text)).toMatchObject({ ok: false, error: { code } });
		refused(licenseQrText(license!));
		refused('https://example.com/portal#r1=AAAA');
		refused(`${LICENSE_BATCH_QR_PREFIX}%%%`);
		refused(LICENSE_BATCH_QR_PREFIX);
		refused(LICENSE_BATCH_QR_PREFIX + 'A'.repeat(MAX_QR_TEXT), 'license_batch_too_large');
		refused(handMade([2, 1, 1, ...nonce, 1], [entry]), 'license_batch_unsupported_version');
		refused(handMade([1, 0, 1, ...nonce, 1], [entry]));
		refused(handMade([1, 3, 2, ...nonce, 1], [entry]));
		refused(handMade([1, 1, 0, ...nonce, 1], [entry]));
		refused(handMade([1, 1, 33, ...nonce, 1], [entry]));
		refused(handMade([1, 1, 1, ...nonce, 0], []));
		refused(handMade([1, 1, 1, ...nonce, 2], [entry]));
		refused(handMade([1, 1, 1, ...nonce, 1], [new Uint8Array(0)]));
		refused(handMade([1, 1, 1, ...nonce, 1], [entry], [0]));
		refused(handMade([1, 1, 1, ...nonce.slice(0, 8)], []));
		expect(parseLicenseBatchQr(handMade([1, 1, 1, ...nonce, 1], [entry])).ok).toBe(true);
	});

	it('never throws on any text, and a changed character never yields a license that verifies as another', async () => {
		const licenses = await answer(2);
		const text = licenseBatchQrCodes(licenses)[0]!.text;
		fc.assert(
			fc.property(fc.string({ maxLength: 300 }), (noise) => {
				expect(parseLicenseBatchQr(LICENSE_BATCH_QR_PREFIX + noise).ok).toBeTypeOf('boolean');
				expect(parseLicenseBatchQr(noise).ok).toBe(false);
			}),
			{ numRuns: 300 }
		);
		await fc.assert(
			fc.asyncProperty(
				fc.integer({ min: LICENSE_BATCH_QR_PREFIX.length, max: text.length - 1 }),
				fc.constantFrom(...'ABCabc012-_'),
				async (position, char) => {
					fc.pre(text[position] !== char);
					const read = parseLicenseBatchQr(text.slice(0, position) + char + text.slice(position + 1));
					if (!read.ok) return;
					// Structure may survive a change (in a length or a count it does not): each license then
					// still has to verify, and a changed one does not.
					const verified = await Promise.all(read.batch.licenseTexts.map((t) => verifyLicenseQr(t, options)));
					for (const result of verified) if (result.ok) expect(licenses).toContainEqual(result.license);
				}
			),
			{ numRuns: 300 }
		);
	});
});
