// Sealed authorizations: how a queued operation that needs the account (an Instant Activation made
// offline) finishes by itself later, without the password resting on the device in the clear. At
// queue time the client seals { e-mail, password, the operation's id, type and a hash of its payload,
// an expiry } to the server's key-agreement key; the device keeps only the sealed text. The server
// opens it when the operation arrives, checks the credentials as a sign-in does, and applies exactly
// that operation. docs/FORMATS.md ("Sealed authorizations") is the specification.
//
// The key-agreement key is X25519, derived from the vendor's Ed25519 signing key: its secret is the
// first 32 bytes of SHA-512 of the signing key's (deterministic) signature over a fixed domain string,
// so every server node holding the signing key derives the same key, and no second secret is kept.
// The public half is published with the signing keys, bound to them by a signature.
import nacl from 'tweetnacl';
import { MAX_SEALED_CHARS } from './api-limits.js';
import { decodeBase64url, encodeBase64url } from './base64url.js';
import { X25519_BYTES } from './seal-key.js';
import { fromUtf8, toHex, utf8 } from './bytes.js';
import { number, object, optional, parser, string, type Output } from './shape.js';
import { findUnstorableText } from './storable-text.js';
import { parseJsonStrict } from './strict-json.js';

export const SEALED_PREFIX = 'AIRLOCK-S1';
/** How long a sealed authorization can be used: days, not months (a copied queue goes stale). */
export const SEALED_AUTHORIZATION_TTL_MS = 7 * 24 * 60 * 60_000;
const DERIVATION_DOMAIN = 'airlock/seal-key/v1';
const NONCE_BYTES = nacl.box.nonceLength;

export interface SealKeyPair {
	kid: string;
	publicKey: Uint8Array;
	secretKey: Uint8Array;
}

/** The server's key-agreement key pair for its signing key (the same on every node holding that key). */
export async function deriveSealKeyPair(signer: {
	kid: string;
	sign(message: Uint8Array): Uint8Array | Promise<Uint8Array>;
}): Promise<SealKeyPair> {
	const signature = await signer.sign(utf8(DERIVATION_DOMAIN));
	const pair = nacl.box.keyPair.fromSecretKey(nacl.hash(signature).subarray(0, X25519_BYTES));
	return { kid: signer.kid, publicKey: pair.publicKey, secretKey: pair.secretKey };
}

const sealedContent = object({
	v: number({ int: true, min: 1 }),
	email: string({ min: 3, max: 254 }),
	password: string({ min: 1, max: 1024 }),
	operationId: string({ min: 8, max: 64 }),
	type: string({ min: 1, max: 40 }),
	payloadHash: string({ pattern: /^[0-9a-f]{64}$/ }),
	expiresAt: number({ int: true, min: 0 }),
	deviceId: optional(string({ max: 64 }))
});
const sealedContentSchema = parser('sealed authorization', sealedContent);
export type SealedContent = Output<typeof sealedContent>;

/** The hash that binds an authorization to one operation's payload (as the client sends it). */
export function operationPayloadHash(payload: unknown): string {
	return toHex(nacl.hash(utf8(JSON.stringify(payload ?? null))).subarray(0, 32));
}

/** Seals an authorization for one operation to the server's seal key. */
export function sealAuthorization(
	content: Omit<SealedContent, 'v'>,
	sealKey: { kid: string; publicKey: Uint8Array }
): string {
	const ephemeral = nacl.box.keyPair();
	const nonce = nacl.randomBytes(NONCE_BYTES);
	const box = nacl.box(
		utf8(JSON.stringify({ v: 1, ...content })),
		nonce,
		sealKey.publicKey,
		ephemeral.secretKey
	);
	const sealed = new Uint8Array(X25519_BYTES + NONCE_BYTES + box.length);
	sealed.set(ephemeral.publicKey, 0);
	sealed.set(nonce, X25519_BYTES);
	sealed.set(box, X25519_BYTES + NONCE_BYTES);
	return `${SEALED_PREFIX}.${sealKey.kid}.${encodeBase64url(sealed)}`;
}

export type OpenedAuthorization =
	| { ok: true; content: SealedContent }
	| { ok: false; code: 'authorization_malformed' | 'authorization_unknown_key'; message: string };

const SEALED_PATTERN = /^AIRLOCK-S1\.([0-9a-f]{16})\.([A-Za-z0-9_-]+)$/;

/** Opens a sealed authorization with the server's seal key pair. Never throws. */
export function openAuthorization(text: unknown, pair: SealKeyPair): OpenedAuthorization {
	const malformed = {
		ok: false,
		code: 'authorization_malformed',
		message: 'The saved authorization of this operation is damaged. Sign in to finish it.'
	} as const;
	if (typeof text !== 'string' || text.length > MAX_SEALED_CHARS) return malformed;
	const match = SEALED_PATTERN.exec(text);
	if (!match) return malformed;
	if (match[1] !== pair.kid)
		return {
			ok: false,
			code: 'authorization_unknown_key',
			message:
				'The saved authorization of this operation was made for a key the server no longer uses. Sign in to finish it.'
		};
	const sealed = decodeBase64url(match[2]!);
	if (!sealed || sealed.length <= X25519_BYTES + NONCE_BYTES) return malformed;
	const opened = nacl.box.open(
		sealed.subarray(X25519_BYTES + NONCE_BYTES),
		sealed.subarray(X25519_BYTES, X25519_BYTES + NONCE_BYTES),
		sealed.subarray(0, X25519_BYTES),
		pair.secretKey
	);
	const json = opened ? fromUtf8(opened) : null;
	if (json === null) return malformed;
	// One meaning only (a repeated key is refused, not "last wins"), and nothing the database cannot
	// take: its e-mail is looked up like a sign-in's.
	const read = parseJsonStrict(json);
	if (!read.ok || findUnstorableText(read.value)) return malformed;
	const content = sealedContentSchema.safeParse(read.value);
	return content.success ? { ok: true, content: content.data } : malformed;
}
