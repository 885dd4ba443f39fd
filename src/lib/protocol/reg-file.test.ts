import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
	CLIENT_EXPANSION,
	exampleRequest,
	SERVER_LICENSE
} from '../../../tests/fixtures/protocol-builders.js';
import { otherTestDevice } from '../../../tests/fixtures/test-keys.js';
import { signerFromKeyPair } from './ed25519.js';
import { formatRegFile, MAX_REG_FILE_CHARS, parseRegFile } from './reg-file.js';

const PORTAL = 'https://activation.example.com/portal';
const golden = readFileSync(new URL('../../../tests/fixtures/golden/reg.txt', import.meta.url), 'utf8');

describe('reg.txt', () => {
	it('writes the worked example of docs/FORMATS.md byte for byte', async () => {
		expect(formatRegFile(await exampleRequest(), PORTAL)).toBe(golden);
	});

	it('reads back what it writes, with a readable summary above the signed block', async () => {
		const request = await exampleRequest({ licenseNumbers: [SERVER_LICENSE, CLIENT_EXPANSION] });
		const text = formatRegFile(request, PORTAL);
		expect(text).toContain(`Asks for: ${SERVER_LICENSE}, ${CLIENT_EXPANSION}`);
		expect(text).toContain('Account e-mail: ada@example.com');
		expect(await parseRegFile(text)).toEqual({ ok: true, request });
	});

	it('accepts CRLF line ends (a trip through another system) and ignores text around the block', async () => {
		const text = formatRegFile(await exampleRequest(), PORTAL);
		expect((await parseRegFile(`notes\r\n${text.replaceAll('\n', '\r\n')}trailing`)).ok).toBe(true);
	});

	it('round-trips random valid requests', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.uniqueArray(fc.constantFrom(SERVER_LICENSE, CLIENT_EXPANSION, 'WEB-8N4J-H6FZ-CY5K'), {
					minLength: 1,
					maxLength: 3
				}),
				fc.emailAddress().filter((email) => email === email.toLowerCase() && email.length < 100),
				fc.integer({ min: Date.UTC(2001, 0, 1), max: Date.UTC(2100, 0, 1) }),
				async (licenseNumbers, email, now) => {
					const request = await exampleRequest({ licenseNumbers, email, now, nonce: undefined });
					expect(await parseRegFile(formatRegFile(request, PORTAL))).toEqual({ ok: true, request });
				}
			),
			{ numRuns: 200 }
		);
	});

	it('rejects any single-character change to the signed block', async () => {
		const text = formatRegFile(await exampleRequest(), PORTAL);
		const start = text.indexOf('-----BEGIN');
		const end = text.indexOf('-----END');
		await fc.assert(
			fc.asyncProperty(
				fc.integer({ min: start, max: end - 1 }),
				fc.integer({ min: 32, max: 126 }),
				async (position, code) => {
					fc.pre(text.charCodeAt(position) !== code && text[position] !== '\n');
					const changed = text.slice(0, position) + String.fromCharCode(code) + text.slice(position + 1);
					expect((await parseRegFile(changed)).ok).toBe(false);
				}
			),
			{ numRuns: 1500 }
		);
	});

	it('gives each failure its own code', async () => {
		const text = formatRegFile(await exampleRequest(), PORTAL);
		const cases: Array<[string, string]> = [
			['x'.repeat(MAX_REG_FILE_CHARS + 1), 'request_too_large'],
			['hello', 'request_not_a_request'],
			[text.replace('airlock-request/1', 'airlock-request/2'), 'request_unsupported_version'],
			[text.replace('Email: ada@example.com', 'Email: ada@example'), 'request_malformed'],
			[text.replace('Algorithm: Ed25519', 'Algorithm: RS256'), 'request_unsupported_algorithm'],
			[text.replace('Email: ada@example.com', 'Email: eve@example.com'), 'request_bad_signature']
		];
		for (const [input, code] of cases) {
			const result = await parseRegFile(input);
			expect(result.ok).toBe(false);
			if (!result.ok) expect(result.error.code).toBe(code);
		}
	});

	it('says so when a license file is given instead', async () => {
		const result = await parseRegFile('-----BEGIN AIRLOCK LICENSE-----\n-----END AIRLOCK LICENSE-----\n');
		expect(result).toMatchObject({ ok: false, error: { code: 'request_not_a_request' } });
		expect(!result.ok && result.error.message).toContain('license file');
	});

	it('refuses a request whose device id does not belong to its key', async () => {
		const request = await exampleRequest();
		const other = await exampleRequest({ signer: signerFromKeyPair(otherTestDevice) });
		const text = formatRegFile(request, PORTAL).replace(
			`Device-Id: ${request.deviceId}`,
			`Device-Id: ${other.deviceId}`
		);
		expect(await parseRegFile(text)).toMatchObject({
			ok: false,
			error: { code: 'request_malformed', field: 'Device-Id' }
		});
	});

	it('refuses a request that names no license or one license twice', async () => {
		await expect(exampleRequest({ licenseNumbers: [] })).rejects.toThrow(RangeError);
		await expect(exampleRequest({ licenseNumbers: [SERVER_LICENSE, SERVER_LICENSE] })).rejects.toThrow(
			RangeError
		);
		const refresh = await exampleRequest({ purpose: 'refresh', licenseNumbers: [] });
		expect((await parseRegFile(formatRegFile(refresh, PORTAL))).ok).toBe(true);
	});
});
