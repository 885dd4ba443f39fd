import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyPairFromSeed } from './ed25519-tweetnacl.js';
import { computeDeviceId, DEVICE_ID_PATTERN, normalizeDeviceId } from './device-id.js';
import { createHash } from 'node:crypto';
import { digestSha512, utf8 } from './bytes.js';
import { deviceIdOf, javascriptSha512, keyIdOf, sha512 } from './sync-ids.js';
import { computeKeyId } from './vendor-keys.js';

const publicKey = fc.uint8Array({ minLength: 32, maxLength: 32 });

describe('device ids', () => {
	it('are short, readable, stable and carry a valid check character', () => {
		fc.assert(
			fc.property(publicKey, (key) => {
				const id = deviceIdOf(key);
				expect(id).toMatch(DEVICE_ID_PATTERN);
				expect(deviceIdOf(key)).toBe(id);
				expect(normalizeDeviceId(id.toLowerCase().replaceAll('-', ' '))).toBe(id);
			})
		);
	});

	it('matches the worked example in docs/FORMATS.md (test key: seed of 32 bytes 0x01)', () => {
		expect(deviceIdOf(keyPairFromSeed(new Uint8Array(32).fill(1)).publicKey)).toBe('FT3H-H2B7-Z7QV');
	});

	it('catches a misheard symbol', () => {
		const id = deviceIdOf(new Uint8Array(32).fill(9));
		const wrong = (id[0] === '2' ? '3' : '2') + id.slice(1);
		expect(normalizeDeviceId(wrong)).toBeNull();
	});

	it('refuses a key of the wrong size', () => {
		expect(() => deviceIdOf(new Uint8Array(31))).toThrow(RangeError);
	});
});

describe('ids hashed asynchronously and synchronously', () => {
	it('computeDeviceId and computeKeyId give the synchronous ids', async () => {
		await fc.assert(
			fc.asyncProperty(publicKey, async (key) => {
				expect(await computeDeviceId(key)).toBe(deviceIdOf(key));
				expect(await computeKeyId(key)).toBe(keyIdOf(key));
			}),
			{ numRuns: 50 }
		);
		await expect(computeDeviceId(new Uint8Array(31))).rejects.toThrow(RangeError);
	});

	it('SHA-512 is the same from node:crypto, WebCrypto and the JavaScript one (where neither exists)', async () => {
		const bytes = utf8('airlock');
		const expected = createHash('sha512').update(bytes).digest();
		expect(await digestSha512(bytes)).toEqual(new Uint8Array(expected));
		expect(await digestSha512(bytes, { subtle: globalThis.crypto.subtle })).toEqual(new Uint8Array(expected));
		expect(await digestSha512(bytes, {})).toEqual(new Uint8Array(expected));
		expect(sha512(bytes)).toEqual(new Uint8Array(expected));
		expect(javascriptSha512(bytes)).toEqual(new Uint8Array(expected));
		// Past one 128-byte block, as long keys and files are.
		const long = utf8('x'.repeat(1000));
		expect(javascriptSha512(long)).toEqual(new Uint8Array(createHash('sha512').update(long).digest()));
	});
});
