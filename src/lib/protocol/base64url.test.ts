import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url } from './base64url.js';

describe('base64url', () => {
	it('round-trips any bytes and matches the platform encoder', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
				const text = encodeBase64url(bytes);
				expect(text).toBe(Buffer.from(bytes).toString('base64url'));
				expect(decodeBase64url(text)).toEqual(bytes);
			})
		);
	});

	it('refuses padding, foreign characters, impossible lengths and loose trailing bits', () => {
		expect(decodeBase64url('AA==')).toBeNull();
		expect(decodeBase64url('A+A')).toBeNull();
		expect(decodeBase64url('AAAAA')).toBeNull();
		expect(decodeBase64url('AB')).toBeNull(); // "AA" is the only text for [0]
		expect(decodeBase64url('AA')).toEqual(new Uint8Array([0]));
	});
});
