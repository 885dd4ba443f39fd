import { describe, expect, it } from 'vitest';
import { deviceIdOf } from '$lib/protocol/sync-ids.js';
import { verify } from '$lib/protocol/ed25519.js';
import { identityRowSchema } from './rows.js';
import { newIdentityRow } from './identity.js';

describe('a new device identity', () => {
	it('is a non-extractable WebCrypto key where the browser has Ed25519', async () => {
		const row = await newIdentityRow(1, { subtle: globalThis.crypto.subtle });
		expect(row.keyKind).toBe('webcrypto');
		expect(row.deviceId).toBe(deviceIdOf(row.publicKey));
		expect(identityRowSchema.safeParse(row).success).toBe(true);
	});

	it('falls back to a tweetnacl key without WebCrypto Ed25519, or without WebCrypto', async () => {
		const noEd25519 = {
			generateKey: () => Promise.reject(new DOMException('Unrecognized name', 'NotSupportedError'))
		} as unknown as SubtleCrypto;
		for (const subtle of [noEd25519, undefined]) {
			const row = await newIdentityRow(1, { subtle });
			expect(row.keyKind).toBe('tweetnacl');
			expect(row.deviceId).toBe(deviceIdOf(row.publicKey));
			expect(identityRowSchema.safeParse(row).success).toBe(true);
			if (row.keyKind !== 'tweetnacl') continue;
			// The key signs for its public key.
			const { tweetnaclBackend } = await import('$lib/protocol/ed25519-tweetnacl.js');
			const message = new Uint8Array([1, 2]);
			const signature = await tweetnaclBackend.sign(message, row.secretKey);
			expect(await verify(message, signature, row.publicKey)).toBe(true);
		}
	});
});
