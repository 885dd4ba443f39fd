// The server's key-agreement key as clients receive it (GET /api/v1/keys, `seal`): its X25519 public
// key, bound by a signature of the signing key it was derived from (sealed-authorization.ts). Kept
// apart from the sealing itself so that what every start loads (the trusted keys) needs no tweetnacl.
import { decodeBase64url, encodeBase64url } from './base64url.js';
import { utf8 } from './bytes.js';
import { verify, type Signer } from './ed25519.js';
import type { PublishedSealKey, TrustedKeys } from './vendor-keys.js';

export const X25519_BYTES = 32;
const BINDING_DOMAIN = 'airlock/seal-key-binding/v1';

export interface SealPublicKey {
	kid: string;
	publicKey: Uint8Array;
}

function bindingBytes(kid: string, publicKey: string): Uint8Array {
	return utf8(`${BINDING_DOMAIN}\nKey-Id: ${kid}\nSeal-Key: ${publicKey}\n`);
}

/** What GET /api/v1/keys publishes: the public key, signed by its signing key. */
export async function publishSealKey(pair: SealPublicKey, signer: Signer): Promise<PublishedSealKey> {
	const publicKey = encodeBase64url(pair.publicKey);
	return {
		kid: pair.kid,
		publicKey,
		signature: encodeBase64url(await signer.sign(bindingBytes(pair.kid, publicKey)))
	};
}

/** A published seal key the client may seal to: signed by a signing key it trusts. Null otherwise. */
export async function verifySealKey(
	published: PublishedSealKey,
	trustedKeys: TrustedKeys
): Promise<{ kid: string; publicKey: Uint8Array } | null> {
	const signingKey = trustedKeys.get(published.kid);
	const publicKey = decodeBase64url(published.publicKey);
	const signature = decodeBase64url(published.signature);
	if (!signingKey || publicKey?.length !== X25519_BYTES || !signature) return null;
	const ok = await verify(bindingBytes(published.kid, published.publicKey), signature, signingKey.publicKey);
	return ok ? { kid: published.kid, publicKey } : null;
}
