// The vendor's signing keys as clients see them: a set of trusted public keys, each named by its key
// id (`kid`), so keys can be rotated while files signed by older keys still verify.
import { z } from 'zod';
import { decodeBase64url } from './base64url';
import { sha512, toHex } from './bytes';
import { PUBLIC_KEY_BYTES } from './ed25519';

/** The key id of a public key: the first 8 bytes of SHA-512(public key), as 16 lower-case hex digits. */
export function keyIdOf(publicKey: Uint8Array): string {
	return toHex(sha512(publicKey).subarray(0, 8));
}

export const KEY_ID_PATTERN = /^[0-9a-f]{16}$/;

export interface TrustedKey {
	kid: string;
	publicKey: Uint8Array;
}

/** Trusted keys by kid. */
export type TrustedKeys = ReadonlyMap<string, TrustedKey>;

export const publishedKeySchema = z.object({
	kid: z.string().regex(KEY_ID_PATTERN),
	alg: z.literal('Ed25519'),
	publicKey: z.string().length(43),
	status: z.enum(['active', 'verify-only']),
	createdAt: z.string()
});

/** The body of `GET /api/v1/keys`. */
export const publishedKeySetSchema = z.object({ keys: z.array(publishedKeySchema).max(64) });

export type PublishedKey = z.infer<typeof publishedKeySchema>;
export type PublishedKeySet = z.infer<typeof publishedKeySetSchema>;

/** Turns a published key set into trusted keys, dropping any entry whose kid does not match its key. */
export function trustedKeysFrom(published: PublishedKeySet): TrustedKeys {
	const keys = new Map<string, TrustedKey>();
	for (const entry of published.keys) {
		const publicKey = decodeBase64url(entry.publicKey);
		if (publicKey?.length === PUBLIC_KEY_BYTES && keyIdOf(publicKey) === entry.kid) {
			keys.set(entry.kid, { kid: entry.kid, publicKey });
		}
	}
	return keys;
}
