import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exampleCode, testVendorSigner } from '../../../tests/fixtures/emergency-builders.js';
import { EXAMPLE_TIME, SERVER_LICENSE } from '../../../tests/fixtures/protocol-builders.js';
import { testTrustedKeys } from '../../../tests/fixtures/test-keys.js';
import { decodeBase64url, encodeBase64url } from './base64url.js';
import { fromUtf8 } from './bytes.js';
import { sign } from './ed25519.js';
import { generateKeyPair } from './ed25519-tweetnacl.js';
import {
	EMERGENCY_CODE_PREFIX,
	emergencyCodeSignedBytes,
	formatEmergencyCode,
	formatEmergencyCodeSheet,
	MAX_EMERGENCY_CODE_CHARS,
	MAX_EMERGENCY_CODE_COMPACT_CHARS,
	parseEmergencyCode,
	signEmergencyCode,
	verifyEmergencyCode
} from './emergency-code.js';
import { keyIdOf } from './sync-ids.js';

const options = { trustedKeys: testTrustedKeys, now: EXAMPLE_TIME };
const golden = (name: string) =>
	readFileSync(new URL(`../../../tests/fixtures/golden/${name}`, import.meta.url), 'utf8');

async function codeOf(text: string, overrides: Partial<Parameters<typeof verifyEmergencyCode>[1]> = {}) {
	const result = await verifyEmergencyCode(text, { ...options, ...overrides });
	return result.ok ? 'accepted' : result.error.code;
}

/** The compact form with its bytes changed by `change`. */
function compactWith(text: string, change: (bytes: Uint8Array) => Uint8Array): string {
	const bytes = decodeBase64url(text.slice(EMERGENCY_CODE_PREFIX.length))!;
	return EMERGENCY_CODE_PREFIX + encodeBase64url(change(Uint8Array.from(bytes)));
}

describe('emergency codes', () => {
	it('writes the worked example of docs/FORMATS-emergency.md byte for byte, and verifies both encodings', async () => {
		const code = await exampleCode();
		expect(fromUtf8(emergencyCodeSignedBytes(code))).toBe(
			[
				'airlock/emergency-code/v1',
				'Format: airlock-emergency-code/1',
				`License: ${SERVER_LICENSE}`,
				'Product: SRV',
				'Product-Name: Airlock Server Edition',
				'Email: ada@example.com',
				'Issued-At: 2026-10-29T17:00:00Z',
				'Code-Id: zc3Nzc3Nzc3Nzc3Nzc3NzQ',
				'Max-Days: 5',
				'Algorithm: Ed25519',
				`Key-Id: ${testVendorSigner.kid}`,
				''
			].join('\n')
		);
		expect(formatEmergencyCode(code)).toBe(golden('emergency-code.txt').trim());
		expect(formatEmergencyCodeSheet(code)).toBe(golden('emergency-code-sheet.txt'));
		expect(await verifyEmergencyCode(formatEmergencyCode(code), options)).toEqual({ ok: true, code });
		expect(await verifyEmergencyCode(formatEmergencyCodeSheet(code), options)).toEqual({ ok: true, code });
	});

	it('accepts the compact text wrapped over lines or with spaces, as pasted from a printout', async () => {
		const compact = formatEmergencyCode(await exampleCode());
		const wrapped = `  ${compact.slice(0, 60)}\n${compact.slice(60, 130)} \r\n${compact.slice(130)}\n`;
		expect(await codeOf(wrapped)).toBe('accepted');
	});

	it('reads the largest code the format allows (840 characters), and no product name its layout cannot carry', async () => {
		// 85 × “€” is 255 bytes of UTF-8; the longest e-mail address is 254 characters (one byte short
		// of the layout's largest, 840).
		const longest = await exampleCode({
			productName: '€'.repeat(85),
			email: `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`
		});
		const compact = formatEmergencyCode(longest);
		expect(compact.length).toBe(839);
		expect(compact.length).toBeLessThanOrEqual(MAX_EMERGENCY_CODE_COMPACT_CHARS);
		expect(MAX_EMERGENCY_CODE_COMPACT_CHARS).toBe(840);
		expect(await codeOf(compact)).toBe('accepted');
		// 86 × “€” (258 bytes) is still 100 characters or fewer, but no one-byte length can carry it.
		await expect(exampleCode({ productName: '€'.repeat(86) })).rejects.toThrow('product name is not valid');
	});

	it('checks in the documented order, each failure with its own code', async () => {
		const code = await exampleCode();
		const compact = formatEmergencyCode(code);
		const sheet = formatEmergencyCodeSheet(code);
		const block = sheet.slice(sheet.indexOf('-----BEGIN'));
		expect(await codeOf('x'.repeat(MAX_EMERGENCY_CODE_CHARS + 1))).toBe('emergency_code_too_large');
		expect(await codeOf(`${EMERGENCY_CODE_PREFIX}${'A'.repeat(900)}`)).toBe('emergency_code_too_large');
		expect(await codeOf('SRV-5BQ7-MKXD-3H99')).toBe('emergency_code_not_a_code');
		expect(await codeOf('-----BEGIN AIRLOCK LICENSE-----\n-----END AIRLOCK LICENSE-----')).toBe(
			'emergency_code_not_a_code'
		);
		expect(await codeOf(compact.replace('AIRLOCK-EC1:', 'AIRLOCK-EC2:'))).toBe(
			'emergency_code_unsupported_version'
		);
		expect(await codeOf(compactWith(compact, (b) => ((b[0] = 2), b)))).toBe(
			'emergency_code_unsupported_version'
		);
		expect(await codeOf(block.replace('airlock-emergency-code/1', 'airlock-emergency-code/2'))).toBe(
			'emergency_code_unsupported_version'
		);
		expect(await codeOf(compactWith(compact, (b) => b.subarray(0, b.length - 1)))).toBe(
			'emergency_code_malformed'
		);
		expect(await codeOf(compactWith(compact, (b) => Uint8Array.from([...b, 0])))).toBe(
			'emergency_code_malformed'
		);
		expect(await codeOf(block.replace('Max-Days: 5', 'Max-Days: 6'))).toBe('emergency_code_malformed');
		expect(await codeOf(block.replace('Algorithm: Ed25519', 'Algorithm: RSA'))).toBe(
			'emergency_code_unsupported_algorithm'
		);
		const stranger = generateKeyPair();
		const strangerCode = await exampleCode(
			{},
			{ kid: keyIdOf(stranger.publicKey), sign: (m) => sign(m, stranger.secretKey) }
		);
		expect(await codeOf(formatEmergencyCode(strangerCode))).toBe('emergency_code_unknown_key');
		expect(await codeOf(block.replace('Airlock Server Edition', 'Airlock Server Editiom'))).toBe(
			'emergency_code_bad_signature'
		);
		expect(await codeOf(block.replace('Max-Days: 5', 'Max-Days: 4'))).toBe('emergency_code_bad_signature');
		expect(await codeOf(compact, { now: code.issuedAt - 10 * 60_000 })).toBe(
			'emergency_code_issued_in_future'
		);
		expect(await codeOf(compact, { now: code.issuedAt + 4 * 60_000 })).toBe('accepted');
		expect(await codeOf(compact, { licenseNumber: 'SRV-7K3M-Q9XP-R2T4' })).toBe(
			'emergency_code_wrong_license'
		);
		expect(await codeOf(compact, { licenseNumber: SERVER_LICENSE })).toBe('accepted');
	});

	it('parses without verifying, and refuses to sign more than 5 days or a bad license number', async () => {
		const parsed = parseEmergencyCode(formatEmergencyCode(await exampleCode({ maxDays: 3 })));
		expect(parsed.ok && parsed.code.maxDays).toBe(3);
		await expect(exampleCode({ maxDays: 6 })).rejects.toThrow(RangeError);
		await expect(exampleCode({ maxDays: 0 })).rejects.toThrow(RangeError);
		await expect(exampleCode({ licenseNumber: 'SRV-5BQ7-MKXD-3H98' })).rejects.toThrow(RangeError);
		await expect(
			signEmergencyCode(
				{
					licenseNumber: SERVER_LICENSE,
					product: 'DEV',
					productName: 'x',
					email: 'a@b.cd',
					issuedAt: EXAMPLE_TIME,
					codeId: 'short',
					maxDays: 5
				},
				testVendorSigner
			)
		).rejects.toThrow(RangeError);
	});
});
