// The tweetnacl side of Ed25519: the fallback backend for runtimes without native Ed25519, and the
// synchronous key-pair helpers the server and the tests use. Kept apart from ed25519.ts so pages
// load tweetnacl only when they need it.
import nacl from 'tweetnacl';
import {
	PUBLIC_KEY_BYTES,
	SEED_BYTES,
	SIGNATURE_BYTES,
	type Ed25519Backend,
	type Ed25519KeyPair
} from './ed25519.js';

export function generateKeyPair(): Ed25519KeyPair {
	return nacl.sign.keyPair();
}

export function keyPairFromSeed(seed: Uint8Array): Ed25519KeyPair {
	if (seed.length !== SEED_BYTES) throw new RangeError(`an Ed25519 seed has ${SEED_BYTES} bytes`);
	return nacl.sign.keyPair.fromSeed(seed);
}

export const tweetnaclBackend: Ed25519Backend = {
	name: 'tweetnacl',
	async sign(message, secretKey) {
		return nacl.sign.detached(message, secretKey);
	},
	async verify(message, signature, publicKey) {
		if (signature.length !== SIGNATURE_BYTES || publicKey.length !== PUBLIC_KEY_BYTES) return false;
		// tweetnacl accepts S ≥ L, which gives every signature a second form; the native path and
		// RFC 8032 do not, and one license must have exactly one accepted encoding.
		if (!isCanonicalScalar(signature.subarray(32))) return false;
		return nacl.sign.detached.verify(message, signature, publicKey);
	}
};

// L, the order of the Ed25519 base point, little-endian.
const GROUP_ORDER = Uint8Array.from([
	0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10
]);

/** Whether a 32-byte little-endian scalar is below L. */
export function isCanonicalScalar(scalar: Uint8Array): boolean {
	for (let i = 31; i >= 0; i--) {
		if (scalar[i]! < GROUP_ORDER[i]!) return true;
		if (scalar[i]! > GROUP_ORDER[i]!) return false;
	}
	return false;
}
