import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_NONCE, EXAMPLE_TIME, SERVER_LICENSE } from '../../../tests/fixtures/protocol-builders.js';
import { otherTestDevice, testDevice } from '../../../tests/fixtures/test-keys.js';
import { encodeBase64url } from './base64url.js';
import {
	createDeactivationStatement,
	DEACTIVATION_FRAGMENT_PREFIX,
	deactivationQrUrl,
	formatDeactivationFile,
	parseDeactivationFile,
	parseDeactivationQr,
	parseDeactivationText,
	type DeactivationStatement
} from './deactivation.js';
import { signerFromKeyPair } from './ed25519.js';
import { createRegistrationRequest, formatRegFile } from './reg-file.js';

const PORTAL = 'https://activation.example.com/portal';
const ISSUED = EXAMPLE_TIME - 86_400_000;

function example(overrides: Partial<Parameters<typeof createDeactivationStatement>[0]> = {}) {
	return createDeactivationStatement({
		licenseNumber: SERVER_LICENSE,
		licenseIssuedAt: ISSUED,
		signer: signerFromKeyPair(testDevice),
		now: EXAMPLE_TIME,
		nonce: EXAMPLE_NONCE,
		...overrides
	});
}

const golden = readFileSync(
	new URL('../../../tests/fixtures/golden/deactivation.txt', import.meta.url),
	'utf8'
);

describe('deactivation statement (file)', () => {
	it('writes the worked example of docs/FORMATS.md §11.5 byte for byte', async () => {
		expect(formatDeactivationFile(await example(), PORTAL)).toBe(golden);
	});

	it('reads back what it writes, with a readable summary above the signed block', async () => {
		const statement = await example();
		const text = formatDeactivationFile(statement, PORTAL);
		expect(text).toContain(`License ${SERVER_LICENSE} was deactivated on device ${statement.deviceId}`);
		expect(text).toContain('Format: airlock-deactivation/1');
		expect(text).toContain('License-Issued-At: 2026-11-27T17:00:00Z');
		expect(await parseDeactivationFile(text)).toEqual({ ok: true, statement });
		expect(await parseDeactivationText(text.replaceAll('\n', '\r\n'))).toEqual({ ok: true, statement });
	});

	it('round-trips random statements through the file and the QR code', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.integer({ min: 1_700_000_000, max: 2_000_000_000 }),
				fc.integer({ min: 0, max: 1_000_000 }),
				fc.uint8Array({ minLength: 16, maxLength: 16 }),
				async (issuedSeconds, laterSeconds, nonce) => {
					const statement = await example({
						licenseIssuedAt: issuedSeconds * 1000,
						now: (issuedSeconds + laterSeconds) * 1000,
						nonce: encodeBase64url(nonce)
					});
					expect(await parseDeactivationFile(formatDeactivationFile(statement, PORTAL))).toEqual({
						ok: true,
						statement
					});
					expect(await parseDeactivationQr(deactivationQrUrl(statement, PORTAL))).toEqual({
						ok: true,
						statement
					});
				}
			),
			{ numRuns: 20 }
		);
	});

	it('refuses a changed field: the signature no longer matches', async () => {
		const text = formatDeactivationFile(await example(), PORTAL);
		const changed = text.replace(
			'License-Issued-At: 2026-11-27T17:00:00Z',
			'License-Issued-At: 2026-11-27T17:00:01Z'
		);
		expect(changed).not.toBe(text);
		const result = await parseDeactivationFile(changed);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.error.code).toBe('deactivation_bad_signature');
	});

	it('refuses a statement whose key is swapped for another device’s (id and key disagree)', async () => {
		const statement = await example();
		const other = signerFromKeyPair(otherTestDevice);
		const text = formatDeactivationFile(statement, PORTAL).replace(
			encodeBase64url(statement.devicePublicKey),
			encodeBase64url(other.publicKey)
		);
		const result = await parseDeactivationFile(text);
		expect(result).toMatchObject({
			ok: false,
			error: { code: 'deactivation_malformed', field: 'Device-Id' }
		});
	});

	it('refuses a reg.txt, a license QR, an empty text, garbage and an oversized text with a clear error', async () => {
		const request = await createRegistrationRequest({
			purpose: 'activate',
			licenseNumbers: [SERVER_LICENSE],
			email: 'ada@example.com',
			signer: signerFromKeyPair(testDevice),
			now: EXAMPLE_TIME
		});
		const cases: [string, string][] = [
			[formatRegFile(request, PORTAL), 'deactivation_not_a_statement'],
			['AIRLOCK:L1:AAAA', 'deactivation_not_a_statement'],
			['', 'deactivation_not_a_statement'],
			[
				'-----BEGIN AIRLOCK DEACTIVATION-----\nFormat: airlock-deactivation/1\nSignature: AAAA\n-----END AIRLOCK DEACTIVATION-----\n',
				'deactivation_malformed'
			],
			['x'.repeat(20_000), 'deactivation_too_large']
		];
		for (const [text, code] of cases) {
			const result = await parseDeactivationText(text);
			expect(result.ok, text.slice(0, 40)).toBe(false);
			if (!result.ok) {
				expect(result.error.code).toBe(code);
				expect(result.error.message.length).toBeGreaterThan(10);
			}
		}
	});

	it('never throws on arbitrary text or truncated, altered QR codes', async () => {
		const url = deactivationQrUrl(await example(), PORTAL);
		for (let cut = url.indexOf(DEACTIVATION_FRAGMENT_PREFIX) + 4; cut < url.length; cut += 7) {
			const result = await parseDeactivationQr(url.slice(0, cut));
			expect(result.ok).toBe(false);
		}
		const flipped = url.slice(0, -5) + (url.at(-5) === 'A' ? 'B' : 'A') + url.slice(-4);
		expect((await parseDeactivationQr(flipped)).ok).toBe(false);
		await fc.assert(
			fc.asyncProperty(fc.string({ maxLength: 300 }), async (text) => {
				expect((await parseDeactivationText(text)).ok).toBe(false);
				expect((await parseDeactivationQr(`${PORTAL}${DEACTIVATION_FRAGMENT_PREFIX}${text}`)).ok).toBe(false);
			}),
			{ numRuns: 200 }
		);
	});

	it('binds the statement to the device that signed it: another key’s signature is refused', async () => {
		const statement = await example();
		const forged: DeactivationStatement = {
			...statement,
			signature: (await example({ signer: signerFromKeyPair(otherTestDevice) })).signature
		};
		const result = await parseDeactivationFile(formatDeactivationFile(forged, PORTAL));
		expect(result).toMatchObject({ ok: false, error: { code: 'deactivation_bad_signature' } });
	});
});
