import fc from 'fast-check';
import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import {
	createNativeBackend,
	createNodeBackend,
	ed25519Backend,
	KNOWN_ANSWER,
	nodeCrypto,
	provideFallbackBackend,
	selectBackend
} from './ed25519.js';
import { keyPairFromSeed, tweetnaclBackend } from './ed25519-tweetnacl.js';

// Both native paths: WebCrypto (browsers) and node:crypto key objects (the server).
const natives = [createNativeBackend(globalThis.crypto.subtle), createNodeBackend(nodeCrypto()!)];

const seed = fc.uint8Array({ minLength: 32, maxLength: 32 });
const message = fc.uint8Array({ maxLength: 300 });

describe('Ed25519', () => {
	it('uses the native backend where the runtime has WebCrypto Ed25519', async () => {
		expect((await ed25519Backend()).name).toBe('native');
	});

	it.each(natives.map((native, i) => [i === 0 ? 'WebCrypto' : 'node:crypto', native] as const))(
		'%s and tweetnacl signatures are identical and verify across backends',
		async (_name, native) => {
			await fc.assert(
				fc.asyncProperty(seed, message, async (s, m) => {
					const pair = keyPairFromSeed(s);
					const a = await native.sign(m, pair.secretKey);
					const b = await tweetnaclBackend.sign(m, pair.secretKey);
					expect(a).toEqual(b);
					expect(await native.verify(m, b, pair.publicKey)).toBe(true);
					expect(await tweetnaclBackend.verify(m, a, pair.publicKey)).toBe(true);
				}),
				{ numRuns: 50 }
			);
		},
		// 50 tweetnacl signatures take about a second alone, and many times that beside a full suite.
		30_000
	);

	it('both backends reject a changed message, a changed signature and malformed keys', async () => {
		const pair = nacl.sign.keyPair();
		const m = new Uint8Array([1, 2, 3, 4]);
		const sig = nacl.sign.detached(m, pair.secretKey);
		for (const backend of [...natives, tweetnaclBackend]) {
			expect(await backend.verify(new Uint8Array([1, 2, 3, 5]), sig, pair.publicKey)).toBe(false);
			const flipped = sig.slice();
			flipped[10]! ^= 1;
			expect(await backend.verify(m, flipped, pair.publicKey)).toBe(false);
			expect(await backend.verify(m, sig.slice(0, 63), pair.publicKey)).toBe(false);
			expect(await backend.verify(m, sig, pair.publicKey.slice(0, 31))).toBe(false);
			expect(await backend.verify(m, sig, new Uint8Array(32).fill(255))).toBe(false);
		}
	});
});

describe('Ed25519 backend selection', () => {
	it('the known answer the native backend is checked against is what tweetnacl gives (RFC 8032 TEST 2)', () => {
		const pair = keyPairFromSeed(KNOWN_ANSWER.secretKey.subarray(0, 32));
		expect(pair.publicKey).toEqual(KNOWN_ANSWER.publicKey);
		expect(nacl.sign.detached(KNOWN_ANSWER.message, pair.secretKey)).toEqual(KNOWN_ANSWER.signature);
	});

	it('picks WebCrypto where it has Ed25519, and node:crypto first on Node', async () => {
		expect((await selectBackend({ subtle: globalThis.crypto.subtle })).name).toBe('native');
		expect((await selectBackend({ node: nodeCrypto()!, subtle: globalThis.crypto.subtle })).name).toBe(
			'native'
		);
	});

	it('falls back to tweetnacl without WebCrypto, without its Ed25519, or when it gives a wrong answer', async () => {
		expect((await selectBackend({})).name).toBe('tweetnacl');
		const noEd25519 = {
			importKey: () => Promise.reject(new DOMException('Unrecognized name', 'NotSupportedError'))
		} as unknown as SubtleCrypto;
		expect((await selectBackend({ subtle: noEd25519 })).name).toBe('tweetnacl');
		const real = globalThis.crypto.subtle;
		const wrong = {
			importKey: real.importKey.bind(real),
			verify: real.verify.bind(real),
			sign: async () => new Uint8Array(64).buffer
		} as unknown as SubtleCrypto;
		expect((await selectBackend({ subtle: wrong })).name).toBe('tweetnacl');
	});

	it('the fallback it picks signs and verifies like the native one', async () => {
		const fallback = await selectBackend({});
		const pair = keyPairFromSeed(new Uint8Array(32).fill(3));
		const m = new Uint8Array([9, 8, 7]);
		const signature = await fallback.sign(m, pair.secretKey);
		expect(await natives[0]!.verify(m, signature, pair.publicKey)).toBe(true);
		expect(await fallback.verify(m, signature, pair.publicKey)).toBe(true);
	});
});

describe('Ed25519 fallback given up front (service worker)', () => {
	it('is used instead of import()ing tweetnacl', async () => {
		const given = { ...tweetnaclBackend };
		provideFallbackBackend(given);
		try {
			expect(await selectBackend({})).toBe(given);
		} finally {
			provideFallbackBackend(undefined);
		}
		expect(await selectBackend({})).toBe(tweetnaclBackend);
	});
});
