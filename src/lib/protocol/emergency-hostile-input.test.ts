// Random and hostile input never makes the emergency parsers throw, and is never accepted.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_TIME } from '../../../tests/fixtures/protocol-builders.js';
import { testTrustedKeys } from '../../../tests/fixtures/test-keys.js';
import { encodeBase64url } from './base64url.js';
import { EMERGENCY_CODE_PREFIX, verifyEmergencyCode } from './emergency-code.js';
import { verifyEmergencyUse } from './emergency-license.js';
import { SERVER_TIME_PREFIX, SERVER_TIME_V2_PREFIX, verifyServerTime } from './server-time.js';

const options = { trustedKeys: testTrustedKeys, now: EXAMPLE_TIME };
const golden = (name: string) =>
	readFileSync(new URL(`../../../tests/fixtures/golden/${name}`, import.meta.url), 'utf8');
const compactCode = golden('emergency-code.txt').trim();
const sheet = golden('emergency-code-sheet.txt');
const useText = golden('emergency-use.txt');
const serverTime = golden('server-time.txt').trim();
const serverTimeV2 = golden('server-time-v2.txt').trim();
const RUNS = 2500;
// CRLF line ends are read as LF (armor.ts), so an edit that only adds a CR is not a change.
const lf = (text: string) => text.replace(/\r\n/g, '\n');
const SEED = 20261128;

/** Text made of pieces of a valid text, random lines and random characters. */
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

/** A valid text with one character replaced, removed or inserted. */
function edited(valid: string) {
	return fc
		.tuple(fc.nat(valid.length - 1), fc.string({ minLength: 0, maxLength: 2 }))
		.map(([at, insert]) => valid.slice(0, at) + insert + valid.slice(at + 1))
		.filter((text) => text !== valid);
}

/** Bytes after the compact prefix: random, or the valid payload flipped, cut or extended. */
function compactBytes() {
	const payload = Buffer.from(compactCode.slice(EMERGENCY_CODE_PREFIX.length), 'base64url');
	return fc.oneof(
		fc.uint8Array({ maxLength: 400 }).map((bytes) => EMERGENCY_CODE_PREFIX + encodeBase64url(bytes)),
		fc.tuple(fc.nat(payload.length - 1), fc.integer({ min: 1, max: 255 })).map(([i, x]) => {
			const copy = Uint8Array.from(payload);
			copy[i]! ^= x;
			return EMERGENCY_CODE_PREFIX + encodeBase64url(copy);
		}),
		fc.nat(payload.length - 1).map((n) => EMERGENCY_CODE_PREFIX + encodeBase64url(payload.subarray(0, n))),
		fc
			.uint8Array({ minLength: 1, maxLength: 20 })
			.map((extra) => EMERGENCY_CODE_PREFIX + encodeBase64url(Uint8Array.from([...payload, ...extra])))
	);
}

describe('hostile input to the emergency formats', () => {
	it('emergency code verifier: never throws, never accepts changed text or bytes', async () => {
		const block = sheet.slice(sheet.indexOf('-----BEGIN'));
		await fc.assert(
			fc.asyncProperty(
				fc.oneof(fc.string({ maxLength: 500 }), mangled(sheet), edited(block), compactBytes()),
				async (text) => {
					const result = await verifyEmergencyCode(text, options);
					if (result.ok)
						expect(lf(text).includes(block) || text.replace(/\s+/g, '') === compactCode).toBe(true);
					else expect(result.error.code).toMatch(/^emergency_code_/);
				}
			),
			{ numRuns: RUNS, seed: SEED }
		);
	});

	it('emergency use verifier: never throws, never accepts changed text', async () => {
		const block = useText.slice(useText.indexOf('-----BEGIN'));
		await fc.assert(
			fc.asyncProperty(
				fc.oneof(fc.string({ maxLength: 500 }), mangled(useText), edited(block)),
				async (text) => {
					const result = await verifyEmergencyUse(text, options);
					if (result.ok) expect(lf(text)).toContain(block);
					else expect(result.error.code).toMatch(/^emergency_(use|code)_/);
				}
			),
			{ numRuns: RUNS, seed: SEED }
		);
	});

	it('server time verifier (T1 and T2): never throws, never accepts a changed statement', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.oneof(
					fc.string({ maxLength: 300 }),
					fc.string({ maxLength: 200 }).map((rest) => SERVER_TIME_PREFIX + rest),
					fc.string({ maxLength: 200 }).map((rest) => SERVER_TIME_V2_PREFIX + rest),
					edited(serverTime),
					edited(serverTimeV2)
				),
				async (text) => {
					const result = await verifyServerTime(text, options);
					if (result.ok) expect([serverTime, serverTimeV2]).toContain(text);
					else expect(result.error.code).toMatch(/^server_time_/);
				}
			),
			{ numRuns: RUNS, seed: SEED }
		);
	});
});
