// The vendor's signing keys as clients see them: a set of trusted public keys, each named by its key
// id (`kid`), so keys can be rotated while files signed by older keys still verify.
import { decodeBase64url } from './base64url.js';
import { digestSha512, toHex } from './bytes.js';
import { PUBLIC_KEY_BYTES } from './ed25519.js';
import { array, literal, number, object, oneOf, optional, parser, string, type Output } from './shape.js';

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

/**
 * The signature by which the key active before a key vouched for it when it became active
 * (key-set.ts, FORMATS.md §6.2): a device that trusts only an older key follows these to the new one.
 */
const keyIntroduction = object({
	kid: string({ pattern: KEY_ID_PATTERN }),
	signature: string({ min: 86, max: 86 })
});

// Checked without zod (shape.ts): the License Manager reads these at every start.
const publishedKey = object({
	kid: string({ pattern: KEY_ID_PATTERN }),
	alg: literal('Ed25519'),
	publicKey: string({ min: 43, max: 43 }),
	status: oneOf(['active', 'verify-only']),
	createdAt: string(),
	introducedBy: optional(keyIntroduction)
});

/** The active key's signature over the whole set (key-set.ts). */
const keySetSignature = object({
	kid: string({ pattern: KEY_ID_PATTERN }),
	value: string({ min: 86, max: 86 })
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
const publishedKeySet = object({
	keys: array(publishedKey, { max: 64 }),
	/** Keys whose trust the vendor withdrew: never trusted again, even if a bundled set lists them. */
	withdrawn: optional(array(string({ pattern: KEY_ID_PATTERN }), { max: 64 })),
	/** ms since the epoch of the set's last change; a device takes only a newer set than its own. */
	issuedAt: optional(number({ int: true, min: 0 })),
	signature: optional(keySetSignature),
	seal: optional(publishedSealKey)
});

export type PublishedSealKey = Output<typeof publishedSealKey>;

/** The body of `GET /api/v1/keys`. */
export const publishedKeySetSchema = parser('key set', publishedKeySet);

export type PublishedKey = Output<typeof publishedKey>;
export type PublishedKeySet = Output<typeof publishedKeySet>;

export type KeyIntroduction = Output<typeof keyIntroduction>;

/**
 * Turns a published key set into trusted keys, dropping any entry whose kid does not match its key,
 * and any key the set itself lists as withdrawn.
 */
export async function trustedKeysFrom(published: PublishedKeySet): Promise<TrustedKeys> {
	const keys = new Map<string, TrustedKey>();
	const withdrawn = new Set(published.withdrawn ?? []);
	for (const entry of published.keys) {
		if (withdrawn.has(entry.kid)) continue;
		const publicKey = decodeBase64url(entry.publicKey);
		if (publicKey?.length === PUBLIC_KEY_BYTES && (await computeKeyId(publicKey)) === entry.kid) {
			keys.set(entry.kid, { kid: entry.kid, publicKey });
		}
	}
	return keys;
}
