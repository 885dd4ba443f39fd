import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex } from './bytes.js';
import { createNativeBackend, createNodeBackend, nodeCrypto, sign, verify } from './ed25519.js';
import { hasSmallOrder, isStrictSignature } from './ed25519-strict.js';
import { keyPairFromSeed, tweetnaclBackend } from './ed25519-tweetnacl.js';

const backends = [
	createNativeBackend(globalThis.crypto.subtle),
	createNodeBackend(nodeCrypto()!),
	tweetnaclBackend
];
const text = (s: string) => new TextEncoder().encode(s);

/** "Signature" R = the identity, S = 0: no private key involved. */
const FORGED = fromHex('01'.padEnd(128, '0'));

const SMALL_ORDER_KEYS = [
	'0000000000000000000000000000000000000000000000000000000000000000',
	'0000000000000000000000000000000000000000000000000000000000000080',
	'0100000000000000000000000000000000000000000000000000000000000000',
	'26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
	'26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
	'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
	'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
	'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
	'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'
].map(fromHex);

describe('strict Ed25519 verification', () => {
	it('the listed keys are of small order: every backend takes a forged signature for some message', async () => {
		for (const key of SMALL_ORDER_KEYS) {
			expect(hasSmallOrder(key)).toBe(true);
			// [k]A is the identity for one message in (order of A) on average, and then R = identity,
			// S = 0 satisfies the equation: try messages until one does (order 8 at most).
			let forged: Uint8Array | undefined;
			for (let i = 0; i < 200 && !forged; i++) {
				const message = text(`activate for free #${i}`);
				if (await tweetnaclBackend.verify(message, FORGED, key)) forged = message;
			}
			expect(forged, `a forgery for ${key[0]}`).toBeDefined();
			for (const backend of backends.slice(0, 2)) {
				// OpenSSL accepts it too, except where it refuses to decode the key at all.
				const accepted = await backend.verify(forged!, FORGED, key);
				expect(typeof accepted).toBe('boolean');
			}
			expect(await verify(forged!, FORGED, key)).toBe(false);
		}
	});

	it('refuses the forged signature the review found: identity key, R = identity, S = 0', async () => {
		const identity = SMALL_ORDER_KEYS[2]!;
		const message = text('reg.txt of an attacker');
		expect(await createNodeBackend(nodeCrypto()!).verify(message, FORGED, identity)).toBe(true);
		expect(await verify(message, FORGED, identity)).toBe(false);
	});

	it('refuses S not below the group order (the same signature with S + L)', async () => {
		const pair = keyPairFromSeed(new Uint8Array(32).fill(7));
		const message = text('hello');
		const signature = await sign(message, pair.secretKey);
		const malleable = signature.slice();
		// S + L, little-endian addition (S < L < 2^253, so it fits).
		const L = fromHex('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010');
		let carry = 0;
		for (let i = 0; i < 32; i++) {
			const sum = malleable[32 + i]! + L[i]! + carry;
			malleable[32 + i] = sum & 0xff;
			carry = sum >> 8;
		}
		expect(await verify(message, malleable, pair.publicKey)).toBe(false);
		expect(await verify(message, signature, pair.publicKey)).toBe(true);
	});

	it('takes every honest signature', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.uint8Array({ minLength: 32, maxLength: 32 }),
				fc.uint8Array({ maxLength: 100 }),
				async (seed, message) => {
					const pair = keyPairFromSeed(seed);
					const signature = await sign(message, pair.secretKey);
					expect(isStrictSignature(signature, pair.publicKey)).toBe(true);
					expect(await verify(message, signature, pair.publicKey)).toBe(true);
				}
			),
			{ numRuns: 50 }
		);
	});
});
