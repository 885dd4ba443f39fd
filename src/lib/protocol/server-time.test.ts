import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { testVendorSigner } from '../../../tests/fixtures/emergency-builders.js';
import { EXAMPLE_TIME } from '../../../tests/fixtures/protocol-builders.js';
import { testTrustedKeys } from '../../../tests/fixtures/test-keys.js';
import { sign } from './ed25519.js';
import { generateKeyPair } from './ed25519-tweetnacl.js';
import { syncResponseWithTimeSchema } from './api.js';
import { serverTimeNonce, signServerTime, verifyServerTime } from './server-time.js';
import { keyIdOf } from './sync-ids.js';

const options = { trustedKeys: testTrustedKeys };
/** The worked example's nonce: 16 bytes 0x00…0x0f in base64url. */
const NONCE = 'AAECAwQFBgcICQoLDA0ODw';

async function codeOf(text: unknown) {
	const result = await verifyServerTime(text, options);
	return result.ok ? result.serverTime : result.error.code;
}

describe('signed server time', () => {
	it('writes the worked example and verifies it', async () => {
		const text = await signServerTime(EXAMPLE_TIME + 0.7, testVendorSigner);
		expect(text).toBe(
			readFileSync(new URL('../../../tests/fixtures/golden/server-time.txt', import.meta.url), 'utf8').trim()
		);
		expect(await verifyServerTime(text, options)).toEqual({
			ok: true,
			serverTime: EXAMPLE_TIME,
			kid: testVendorSigner.kid,
			nonce: null
		});
	});

	it('refuses a changed time, an unknown key, another version and anything malformed', async () => {
		const text = await signServerTime(EXAMPLE_TIME, testVendorSigner);
		expect(await codeOf(text.replace(String(EXAMPLE_TIME), String(EXAMPLE_TIME + 86_400_000)))).toBe(
			'server_time_bad_signature'
		);
		const stranger = generateKeyPair();
		const strangerSigner = {
			kid: keyIdOf(stranger.publicKey),
			sign: (m: Uint8Array) => sign(m, stranger.secretKey)
		};
		expect(await codeOf(await signServerTime(EXAMPLE_TIME, strangerSigner))).toBe('server_time_unknown_key');
		expect(await codeOf(text.replace('AIRLOCK-T1.', 'AIRLOCK-T3.'))).toBe('server_time_unsupported_version');
		expect(await codeOf(text.replace('AIRLOCK-T1.', 'AIRLOCK-T2.'))).toBe('server_time_malformed');
		for (const bad of [
			undefined,
			42,
			'',
			text.replace(String(EXAMPLE_TIME), `0${EXAMPLE_TIME}`),
			text.replace(String(EXAMPLE_TIME), '99999999999999999'),
			text.replace(String(EXAMPLE_TIME), '12'),
			`${text}A`,
			`${text} `,
			text.slice(0, -1),
			text + 'x'.repeat(300)
		])
			expect(await codeOf(bad)).toBe('server_time_malformed');
		await expect(signServerTime(12, testVendorSigner)).rejects.toThrow(RangeError);
	});

	it('writes the T2 worked example, bound to its nonce, and verifies it', async () => {
		const text = await signServerTime(EXAMPLE_TIME, testVendorSigner, NONCE);
		expect(text).toBe(
			readFileSync(
				new URL('../../../tests/fixtures/golden/server-time-v2.txt', import.meta.url),
				'utf8'
			).trim()
		);
		expect(serverTimeNonce(text)).toBe(NONCE);
		expect(await verifyServerTime(text, options)).toEqual({
			ok: true,
			serverTime: EXAMPLE_TIME,
			kid: testVendorSigner.kid,
			nonce: NONCE
		});
	});

	it('refuses a T2 whose nonce was changed, and a T1 signature passed off as a T2', async () => {
		const text = await signServerTime(EXAMPLE_TIME, testVendorSigner, NONCE);
		const other = 'B'.repeat(22);
		expect(await codeOf(text.replace(NONCE, other))).toBe('server_time_bad_signature');
		const t1 = await signServerTime(EXAMPLE_TIME, testVendorSigner);
		const [, ms, kid, sig] = t1.split('.');
		expect(await codeOf(`AIRLOCK-T2.${ms}.${NONCE}.${kid}.${sig}`)).toBe('server_time_bad_signature');
		for (const bad of [NONCE.slice(1), `${NONCE}A`, `${NONCE.slice(1)}=`, `${NONCE.slice(1)}+`])
			expect(await codeOf(text.replace(NONCE, bad))).toBe('server_time_malformed');
		expect(serverTimeNonce(t1)).toBeNull();
		await expect(signServerTime(EXAMPLE_TIME, testVendorSigner, 'short')).rejects.toThrow(RangeError);
	});

	it('extends the sync response with an optional signedTime', () => {
		expect(syncResponseWithTimeSchema.parse({ results: [], serverTime: 1 })).toEqual({
			results: [],
			serverTime: 1
		});
		expect(syncResponseWithTimeSchema.parse({ results: [], serverTime: 1, signedTime: 'x' }).signedTime).toBe(
			'x'
		);
		expect(syncResponseWithTimeSchema.safeParse({ results: [], serverTime: 1, signedTime: 5 }).success).toBe(
			false
		);
	});
});
