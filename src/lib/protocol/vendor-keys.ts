// The vendor's signing keys as clients see them: a set of trusted public keys, each named by its key
// id (`kid`), so keys can be rotated while files signed by older keys still verify.
import { decodeBase64url } from './base64url.js';
import { digestSha512, toHex } from './bytes.js';
import { PUBLIC_KEY_BYTES } from './ed25519.js';
import { array, literal, object, oneOf, optional, parser, string, type Output } from './shape.js';

/**
 * The key id of a public key: the first 8 bytes of SHA-512(public key), as 16 lower-case hex digits
 * (hashed without tweetnacl; sync-ids.ts has keyIdOf, the same synchronously).
 */
export async function computeKeyId(publicKey: Uint8Array): Promise<string> {
	return toHex((await digestSha512(publicKey)).subarray(0, 8));
}

export const KEY_ID_PATTERN = /^[0-9a-f]{16}$/;

export interface TrustedKey {
	kid: string;
	publicKey: Uint8Array;
}

/** Trusted keys by kid. */
export type TrustedKeys = ReadonlyMap<string, TrustedKey>;

// Checked without zod (shape.ts): the License Manager reads these at every start.
const publishedKey = object({
	kid: string({ pattern: KEY_ID_PATTERN }),
	alg: literal('Ed25519'),
	publicKey: string({ min: 43, max: 43 }),
	status: oneOf(['active', 'verify-only']),
	createdAt: string()
});
/**
 * The server's key-agreement key for sealed authorizations (sealed-authorization.ts), signed by the
 * signing key `kid`. Optional: servers before it, and key sets shipped before it, have none.
 */
const publishedSealKey = object({
	kid: string({ pattern: KEY_ID_PATTERN }),
	publicKey: string({ min: 43, max: 43 }),
	signature: string({ min: 86, max: 86 })
});
const publishedKeySet = object({ keys: array(publishedKey, { max: 64 }), seal: optional(publishedSealKey) });

export type PublishedSealKey = Output<typeof publishedSealKey>;

/** The body of `GET /api/v1/keys`. */
export const publishedKeySetSchema = parser('key set', publishedKeySet);

export type PublishedKey = Output<typeof publishedKey>;
export type PublishedKeySet = Output<typeof publishedKeySet>;

/** Turns a published key set into trusted keys, dropping any entry whose kid does not match its key. */
export async function trustedKeysFrom(published: PublishedKeySet): Promise<TrustedKeys> {
	const keys = new Map<string, TrustedKey>();
	for (const entry of published.keys) {
		const publicKey = decodeBase64url(entry.publicKey);
		if (publicKey?.length === PUBLIC_KEY_BYTES && (await computeKeyId(publicKey)) === entry.kid) {
			keys.set(entry.kid, { kid: entry.kid, publicKey });
		}
	}
	return keys;
}
